"""The book's plot style is set by one call and is projector-sized."""

import matplotlib as mpl

from crm_lessons.plotting import BOOK_COLOURS, set_book_style


def test_set_book_style_sets_large_fonts_and_book_colours():
    set_book_style()
    assert mpl.rcParams["font.size"] >= 14
    assert mpl.rcParams["axes.titlesize"] >= 16
    cycle = [mpl.colors.to_hex(c["color"]) for c in mpl.rcParams["axes.prop_cycle"]]
    assert cycle[:4] == [c.lower() for c in BOOK_COLOURS]
    assert not mpl.rcParams["axes.spines.top"]
