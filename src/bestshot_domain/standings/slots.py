"""Which group winner each qualifying third-placed team meets, as the regulations fix it.

Each table maps the sorted group letters of the qualifying thirds to the group each winner's
opponent comes from, in the order of the winners listed with it.
"""

from __future__ import annotations

from types import MappingProxyType

# UEFA EURO 2016 Regulations, art. 20.04 (round of 16): 1A v 3C/D/E, 1B v 3A/C/D, 1C v 3A/B/F,
# 1D v 3B/E/F. Checked against the real round of 16 (thirds of B, C, E, F: 1A v 3E, 1B v 3C,
# 1C v 3B, 1D v 3F).
EURO_2016_WINNERS = ("1A", "1B", "1C", "1D")
EURO_2016 = MappingProxyType(
    {
        "ABCD": "CDAB",
        "ABCE": "CABE",
        "ABCF": "CABF",
        "ABDE": "DABE",
        "ABDF": "DABF",
        "ABEF": "EABF",
        "ACDE": "CDAE",
        "ACDF": "CDAF",
        "ACEF": "CAFE",
        "ADEF": "DAFE",
        "BCDE": "CDBE",
        "BCDF": "CDBF",
        "BCEF": "ECBF",
        "BDEF": "EDBF",
        "CDEF": "CDFE",
    }
)

# UEFA EURO 2020 and 2024 Regulations, art. 20.03 / Annex (round of 16): winners of B, C, E, F
# meet the thirds. Checked against the real rounds of 16: 2020 (A, C, D, F: 1B v 3F, 1C v 3D,
# 1E v 3C, 1F v 3A) and 2024 (C, D, E, F: 1B v 3F, 1C v 3E, 1E v 3D, 1F v 3C).
EURO_2020_WINNERS = ("1B", "1C", "1E", "1F")
EURO_2020 = MappingProxyType(
    {
        "ABCD": "ADBC",
        "ABCE": "AEBC",
        "ABCF": "AFBC",
        "ABDE": "DEAB",
        "ABDF": "DFAB",
        "ABEF": "EFBA",
        "ACDE": "EDCA",
        "ACDF": "FDCA",
        "ACEF": "EFCA",
        "ADEF": "EFDA",
        "BCDE": "EDBC",
        "BCDF": "FDCB",
        "BCEF": "FECB",
        "BDEF": "FEDB",
        "CDEF": "FEDC",
    }
)
