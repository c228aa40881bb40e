"""Production refuses secrets of the right length with too little variety (issue 11, point 6),
naming the variable and never the value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrypoints.settings import ConfigurationError, load_settings
from entrypoints.settings.auth import MIN_SECRET_DISTINCT, MIN_SECRET_LENGTH, secret_weakness

STRONG_TOKEN = "prod-internal-token-7f3a9c2e5b1d4f6a8c0e"
STRONG_SECRET = "prod-jwt-secret-1b3d5f7a9c2e4f6a8b0d1f3e5a7c9e"

PRODUCTION = {
    "NODE_ENV": "production",
    "API_DOMAIN": "https://api.bestshot.example",
    "INTERNAL_SERVICE_TOKEN": STRONG_TOKEN,
    "JWT_SECRET": STRONG_SECRET,
    "DATABASE_URL": "postgresql://bestshot:db-password-Zq8wXk2p@db.internal:5432/bestshot",
}

WEAK = [
    " " * 32,
    "a" * 32,
    "ab" * 20,
    "\t \n\r" * 10,
    "123456789" * 4,  # nine distinct characters
    "abcdefghi" + " " * 30,  # whitespace does not count as variety
    "\u3000\u2003\u00a0\u2009\u200a\u2002\u2004\u2005\u2006\u2007\u2008\u205f" * 3,
]

# Characters a secret may hold: anything but surrogates, and no comma (it separates the
# tokens of INTERNAL_SERVICE_TOKEN).
CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters=",")


@st.composite
def low_variety(draw: st.DrawFn) -> str:
    """A string of secret length drawn from fewer than MIN_SECRET_DISTINCT characters."""
    alphabet = draw(st.lists(CHARACTERS, min_size=1, max_size=MIN_SECRET_DISTINCT - 1))
    return draw(st.text(alphabet=st.sampled_from(alphabet), min_size=MIN_SECRET_LENGTH))


def _refusal(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ)
    return str(caught.value)


@pytest.mark.parametrize("weak", WEAK)
def test_a_weak_jwt_secret_is_refused_by_name(weak: str) -> None:
    message = _refusal({**PRODUCTION, "JWT_SECRET": weak})
    assert "JWT_SECRET" in message
    assert weak not in message


@pytest.mark.parametrize("weak", WEAK)
@pytest.mark.parametrize("listed", ["{weak}", "{strong},{weak}", "{weak},{strong}"])
def test_a_weak_internal_token_is_refused_wherever_it_is_listed(weak: str, listed: str) -> None:
    value = listed.format(weak=weak, strong=STRONG_TOKEN)
    if not weak.strip() and STRONG_TOKEN in value:
        # A blank entry of a list is no token (a trailing comma): dropped, never accepted.
        assert load_settings({**PRODUCTION, "INTERNAL_SERVICE_TOKEN": value}).internal_tokens() == (
            STRONG_TOKEN,
        )
        return
    message = _refusal({**PRODUCTION, "INTERNAL_SERVICE_TOKEN": value})
    assert "INTERNAL_SERVICE_TOKEN" in message
    assert "JWT_SECRET" not in message
    assert weak not in message
    assert STRONG_TOKEN not in message


@given(weak=low_variety(), variable=st.sampled_from(["JWT_SECRET", "INTERNAL_SERVICE_TOKEN"]))
def test_any_secret_with_too_few_distinct_characters_is_refused_and_never_shown(
    weak: str, variable: str
) -> None:
    message = _refusal({**PRODUCTION, variable: weak})
    assert variable in message
    assert weak not in message
    assert secret_weakness(weak) is not None


@given(st.text(alphabet=CHARACTERS, max_size=80))
def test_a_secret_is_strong_enough_exactly_when_long_and_varied(secret: str) -> None:
    varied = len({c for c in secret if not c.isspace()}) >= MIN_SECRET_DISTINCT
    strong = len(secret) >= MIN_SECRET_LENGTH and varied
    weakness = secret_weakness(secret)
    assert (weakness is None) == strong
    if weakness is not None:
        assert secret not in weakness or len(secret) < 3  # a word of the reason, at most


@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
        min_size=MIN_SECRET_LENGTH,
        max_size=80,
    ).filter(lambda s: len(set(s)) >= MIN_SECRET_DISTINCT)
)
def test_varied_secrets_of_the_right_length_are_accepted(secret: str) -> None:
    settings = load_settings({**PRODUCTION, "JWT_SECRET": secret, "INTERNAL_SERVICE_TOKEN": secret})
    assert settings.effective_jwt_secret() == secret
    assert settings.internal_tokens() == (secret,)
