"""Finding quotations and their speakers in release paragraphs (text only, no database)."""

from pressreleases.importing.quotes import FoundQuote, find_quotes, find_spans


def quotes(*paragraphs: str) -> list[tuple[str, str, str]]:
    return [(q.speaker, q.role, q.text) for q in find_quotes(list(paragraphs))]


def test_quote_then_said_name_and_role():
    assert quotes(
        "“We opened three new field offices this year,” said Anna Berg, Head of the OSCE "
        "Programme Office in Bishkek. She thanked the host government."
    ) == [
        (
            "Anna Berg",
            "Head of the OSCE Programme Office in Bishkek",
            "We opened three new field offices this year",
        )
    ]


def test_name_and_role_said_colon_then_quote():
    assert quotes(
        "Ilse Marvik, Deputy Head of the OSCE Mission to Skopje, said: “Borders that work "
        "well protect people as well as states.”"
    ) == [
        (
            "Ilse Marvik",
            "Deputy Head of the OSCE Mission to Skopje",
            "Borders that work well protect people as well as states.",
        )
    ]


def test_quote_then_said_role_and_name():
    assert quotes(
        "“No single country can manage these routes alone,” said OSCE Secretary General "
        "Jan Kowalczyk."
    ) == [
        (
            "Jan Kowalczyk",
            "OSCE Secretary General",
            "No single country can manage these routes alone",
        )
    ]


def test_quote_then_name_and_role_then_said():
    assert quotes(
        "“A hate crime harms a whole community,” Marta K. Lindqvist, Head of the OSCE Mission "
        "to BiH, said."
    ) == [
        (
            "Marta K. Lindqvist",
            "Head of the OSCE Mission to BiH",
            "A hate crime harms a whole community",
        )
    ]


def test_quote_continued_in_the_next_paragraph_is_one_quotation():
    assert quotes(
        "“We trained forty officers this year,” said Elena Dimovska, Director of the Border "
        "Academy. “Next year every crossing point will have a mentor.",
        "“That is how knowledge stays when people move on.”",
        "The course ends on Friday.",
    ) == [
        ("Elena Dimovska", "Director of the Border Academy", "We trained forty officers this year"),
        (
            "Elena Dimovska",
            "Director of the Border Academy",
            "Next year every crossing point will have a mentor.\n\n"
            "That is how knowledge stays when people move on.",
        ),
    ]


def test_pronoun_refers_to_the_speaker_last_named():
    found = quotes(
        "Anna Berg, Head of the OSCE Programme Office in Bishkek, opened the meeting.",
        "Jan Kowalczyk, OSCE Secretary General, said that the region had made progress. "
        "“The gap is in implementation,” he said. “Laws alone protect nobody.”",
        "“We will return next year,” she added.",
    )

    assert found == [
        ("Jan Kowalczyk", "OSCE Secretary General", "The gap is in implementation"),
        ("Jan Kowalczyk", "OSCE Secretary General", "Laws alone protect nobody."),
        # "she" cannot be checked against a gender; the speaker last named is taken.
        ("Jan Kowalczyk", "OSCE Secretary General", "We will return next year"),
    ]


def test_quote_after_indirect_speech_belongs_to_the_speaker_reported():
    assert quotes(
        "Head of the OSCE Mission to Skopje, Ilse Marvik, said that the course had been "
        "requested by the services themselves. “They asked for it, and they shaped it.”"
    ) == [
        (
            "Ilse Marvik",
            "Head of the OSCE Mission to Skopje",
            "They asked for it, and they shaped it.",
        )
    ]


def test_said_surname_refers_to_the_speaker_named_before_whatever_the_accents():
    found = quotes(
        "“Victims must trust the police,” said Goran Petrović, Minister of Security of Bosnia "
        "and Herzegovina.",
        "“Every report will be followed up,” said Petrovic.",
        "“So will every complaint,” said Minister Petrović.",
    )

    role = "Minister of Security of Bosnia and Herzegovina"
    assert found == [
        ("Goran Petrović", role, "Victims must trust the police"),
        ("Goran Petrović", role, "Every report will be followed up"),
        ("Goran Petrović", role, "So will every complaint"),
    ]


def test_middle_initial_does_not_make_another_speaker_or_end_a_sentence():
    found = quotes(
        "“Courts need the evidence,” said Marta K. Lindqvist, Head of the OSCE Mission to BiH. "
        "She spoke after the judges.",
        "“And they need it on time,” said Marta Lindqvist.",
    )

    assert found == [
        ("Marta K. Lindqvist", "Head of the OSCE Mission to BiH", "Courts need the evidence"),
        ("Marta K. Lindqvist", "Head of the OSCE Mission to BiH", "And they need it on time"),
    ]


def test_straight_marks_and_a_curly_quote_closed_by_a_straight_mark():
    found = quotes(
        '"Data protection is not an obstacle," said Anna Berg, Head of the OSCE Programme '
        'Office in Bishkek. “It is a condition for trust," said Berg.'
    )

    assert [text for _, _, text in found] == [
        "Data protection is not an obstacle",
        "It is a condition for trust",
    ]


def test_partial_quotations_and_quoted_titles_are_not_quotes():
    assert (
        quotes(
            "Jan Kowalczyk said the reform was “a real step forward” for the region.",
            "The “Safe Borders” project ends in May, participants said.",
            "Participants described the hotline as “a phone number that answers”.",
        )
        == []
    )


def test_paragraphs_that_only_report_speech_give_no_quotes():
    assert (
        quotes(
            "Jan Kowalczyk, OSCE Secretary General, said that co-operation had improved.",
            "He highlighted that the region needs trained mentors, and stressed that laws must "
            "be applied.",
        )
        == []
    )


def test_quote_paragraph_after_a_speakers_quote_is_theirs():
    assert quotes(
        "“We have made progress,” said Anna Berg, Head of the OSCE Programme Office in Bishkek.",
        "“But the hardest part, keeping it, starts now.”",
    ) == [
        ("Anna Berg", "Head of the OSCE Programme Office in Bishkek", "We have made progress"),
        (
            "Anna Berg",
            "Head of the OSCE Programme Office in Bishkek",
            "But the hardest part, keeping it, starts now.",
        ),
    ]


def test_a_quote_far_from_its_speaker_is_attributed_with_a_doubt():
    found = find_quotes(
        [
            "“We have made progress,” said Anna Berg, Head of the OSCE Programme Office in "
            "Bishkek.",
            "The programme runs until 2030.",
            "“The hardest part starts now, and it will take years.”",
        ]
    )

    assert [(q.speaker, q.doubt) for q in found] == [
        ("Anna Berg", ""),
        ("Anna Berg", "no speaker is named next to it; attributed to Anna Berg, named last"),
    ]


def test_according_to_name_before_the_quote():
    assert quotes(
        "According to Marta Lindqvist, Head of the OSCE Mission to Bosnia and Herzegovina, "
        "“Safety is a condition for reporting.”"
    ) == [
        (
            "Marta Lindqvist",
            "Head of the OSCE Mission to Bosnia and Herzegovina",
            "Safety is a condition for reporting.",
        )
    ]


def test_surname_never_named_in_full_is_doubtful():
    assert find_quotes(["“Nothing will change without money,” said Hansen."]) == [
        FoundQuote(
            text="Nothing will change without money",
            doubt="“Hansen” is not named in full earlier in the release",
        )
    ]


def test_a_description_instead_of_a_name_is_attributed_with_a_doubt():
    found = find_quotes(
        [
            "Goran Petrović, Minister of Security of Bosnia and Herzegovina, opened the event.",
            "“We will publish the figures every month,” the Minister said.",
        ]
    )

    assert found == [
        FoundQuote(
            text="We will publish the figures every month",
            speaker="Goran Petrović",
            role="Minister of Security of Bosnia and Herzegovina",
            described_as="the Minister",
            doubt="the text says “the Minister”; attributed to Goran Petrović, named last",
        )
    ]


def test_a_quote_no_one_is_named_for_is_kept_with_a_doubt():
    assert find_quotes(["“Every border crossing point will have a trained mentor by 2030.”"]) == [
        FoundQuote(
            text="Every border crossing point will have a trained mentor by 2030.",
            doubt="no speaker is named for it",
        )
    ]


def test_a_quote_never_closed_is_doubtful():
    found = find_quotes(
        [
            "“We will keep the hotline open at night,” said Anna Berg, Head of the OSCE "
            "Programme Office in Bishkek. “And at weekends too.",
            "The hotline opened in May.",
        ]
    )

    assert [(q.text, q.doubt) for q in found] == [
        ("We will keep the hotline open at night", ""),
        ("And at weekends too.", "the quotation is never closed; check where it ends"),
    ]


def test_spans_skip_apostrophes_and_single_marks():
    spans = find_spans('The governments’ ‘new’ plan, she said, is “ready” and "tested".')

    assert [span.text for span in spans] == ["ready", "tested"]
