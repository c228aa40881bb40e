"""A side's cards in one match, for the fair-play criteria (re-exported by `model`)."""

from typing import NamedTuple


class Cards(NamedTuple):
    """One side's discipline in one match: one category per player per match."""

    yellow: int = 0
    second_yellow_red: int = 0
    red: int = 0  # a direct red
    yellow_and_red: int = 0  # a yellow, then a direct red

    def __add__(self, other: "Cards") -> "Cards":  # type: ignore[override]
        return Cards(
            self.yellow + other.yellow,
            self.second_yellow_red + other.second_yellow_red,
            self.red + other.red,
            self.yellow_and_red + other.yellow_and_red,
        )
