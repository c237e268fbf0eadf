"""conformance.document.text: mojibake, page furniture and layout are undone before parsing."""

from __future__ import annotations

from conformance.document.text import FOOTER, Line, document_lines, join_prose, repair_text


def test_repair_text_reverses_double_encoded_utf8() -> None:
    assert repair_text("fÃ¼r Ã„nderung GroÃŸbuchstaben") == "für Änderung Großbuchstaben"


def test_repair_text_leaves_clean_text_alone() -> None:
    assert repair_text('iSequenceID "quoted" 0x10') == 'iSequenceID "quoted" 0x10'


def test_document_lines_drop_footer_page_number_and_blank_lines() -> None:
    raw = "\n".join(
        ["SequenceID + 1 in der ", "", FOOTER + " ", "", " ", "", "407 ", " ", "Conversation."]
    )
    assert document_lines(raw) == [
        Line(1, "SequenceID + 1 in der"),
        Line(9, "Conversation.", page_start=False),
    ]


def test_a_number_not_after_a_footer_is_kept() -> None:
    assert document_lines("eNETLOGIN number\n\n10\n\n0") == [
        Line(1, "eNETLOGIN number"),
        Line(3, "10"),
        Line(5, "0"),
    ]


def test_page_start_lines_are_marked() -> None:
    lines = document_lines("a row\n t TRUE, wenn")
    assert [line.page_start for line in lines] == [False, True]


def test_join_prose_uses_single_spaces() -> None:
    assert join_prose([Line(1, "Startpunkt  für"), Line(2, "den Range.")]) == (
        "Startpunkt für den Range."
    )


def test_no_mojibake_or_footer_survives_in_the_document(document_text: list[str]) -> None:
    lines = document_lines("\n".join(document_text))
    assert not [line.number for line in lines if "Ã" in line.text]
    assert not [line.number for line in lines if line.text == FOOTER]
