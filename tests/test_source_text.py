"""Text in committed sources: control characters are refused where they are, not cut silently."""

from __future__ import annotations

import pytest

from neageo import SourceError
from neageo.sources import Sources, read_table


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_characters_are_refused_with_file_row_and_column(tmp_path, char):
    folder = tmp_path / "geodata" / "sources"
    folder.mkdir(parents=True)
    (folder / "places.csv").write_text(f"place_id,name_en\nharbin,Harbin\nx,Har{char}bin\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read_table(Sources(folder), "places.csv", columns={"place_id": "str", "name_en": "str"})
    message = str(err.value)
    assert message.startswith("geodata/sources/places.csv, row 3: column 'name_en' contains the control character")
    assert f"U+{ord(char):04X}" in message


def test_tabs_and_newlines_in_quoted_text_are_kept(tmp_path):
    folder = tmp_path / "geodata" / "sources"
    folder.mkdir(parents=True)
    (folder / "notes.csv").write_text('id,note\na,"two\nlines\tand a tab"\n', encoding="utf-8")
    frame = read_table(Sources(folder), "notes.csv", columns={"id": "str", "note": "str"})
    assert frame["note"].iloc[0] == "two\nlines\tand a tab"
