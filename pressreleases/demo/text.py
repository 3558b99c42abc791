"""Titles, leads and body HTML for demo releases, assembled from `vocabulary` by a seeded
random generator: the same scene and the same generator state give the same text."""

import datetime as dt
import html
import random
from dataclasses import dataclass

from ..models import PressRelease
from . import vocabulary as words
from .vocabulary import Topic


@dataclass(frozen=True)
class Voice:
    """Someone quoted, as the release names them."""

    name: str
    role: str
    female: bool


@dataclass
class Scene:
    """What a release is about; `voices` holds one entry per quote, None for a quote attributed
    to the source itself."""

    day: dt.date
    language: str
    content_type: str
    topic: Topic
    subject_index: int
    event_index: int
    participants_index: int
    places: list[str]
    source: str
    country: str
    other_country: str
    area: str
    partner: str
    chair: str
    meeting: str
    since: int
    voices: list[Voice | None]


@dataclass
class Text:
    title: str
    lead: str
    body: str
    quotes: list[str]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _paragraphs(paragraphs: list[str]) -> str:
    # Built clean (escaped text in <p>), as sanitize_html would leave it: bulk inserts skip save().
    return "".join(f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in paragraphs)


def _with_comma(quote: str) -> str:
    """“…,” said X: the quote's closing full stop becomes a comma."""
    return quote[:-1] + "," if quote.endswith(".") else quote


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def write(self, scene: Scene) -> Text:
        if scene.language == PressRelease.Language.RUSSIAN:
            return self.russian(scene)
        return self.english(scene)

    # English ----------------------------------------------------------------------------------

    def slots(self, scene: Scene) -> dict[str, str | int]:
        topic, rng = scene.topic, self.rng
        subject = topic.subjects[scene.subject_index % len(topic.subjects)]
        participants = topic.participants[scene.participants_index % len(topic.participants)]
        return {
            "subject": subject,
            "Subject": cap(subject),
            "participants": participants,
            "Participants": cap(participants),
            "event": words.EVENTS[scene.event_index % len(words.EVENTS)],
            "duration": rng.choice(words.DURATIONS),
            "organized": rng.choice(words.ORGANIZED),
            "city": scene.places[-1],
            # "the OSCE Programme Office in Astana in Astana" says the city once too often.
            "in_city": "" if scene.places[-1] in scene.source else f" in {scene.places[-1]}",
            "source": scene.source,
            "short": scene.source,
            "country": scene.country,
            "Country": scene.country,
            "other_country": scene.other_country,
            "area": scene.area,
            "partner": scene.partner,
            "chair": scene.chair,
            "meeting": scene.meeting,
            "welcome": rng.choice(topic.welcomes),
            "concern": rng.choice(topic.concerns),
            "since": scene.since,
            "number": rng.randrange(12, 80),
            "many": rng.randrange(100, 900, 10),
            "donor": rng.choice(words.DONORS),
            "language_note": rng.choice(words.LANGUAGE_NOTES),
        }

    def english(self, scene: Scene) -> Text:
        rng = self.rng
        slots = self.slots(scene)
        kind = PressRelease.ContentType
        if scene.content_type in (kind.STATEMENT, kind.PRESS_STATEMENT):
            mood = rng.choice(("welcome", "concern"))
            title, lead = rng.choice(words.STATEMENT_TITLES[mood]), words.STATEMENT_LEADS[mood]
        elif scene.content_type == kind.SPEECH:
            title, lead = rng.choice(words.SPEECH_TITLES), words.SPEECH_LEAD
        elif scene.content_type == kind.OP_ED:
            title, lead = rng.choice(words.OP_ED_TITLES), words.OP_ED_LEAD
        elif scene.content_type == kind.FEATURE:
            title, lead = rng.choice(words.FEATURE_TITLES), rng.choice(words.LEADS)
        else:
            title, lead = rng.choice(words.TITLES), rng.choice(words.LEADS)
        title, lead = cap(title.format(**slots)), cap(lead.format(**slots))
        slots["project"] = rng.choice(words.PROJECTS).format(**slots)

        quote_paragraphs, quotes = self.english_quotes(scene, slots)
        background = rng.choice(words.BACKGROUNDS).format(**slots)
        # 4 to 9 paragraphs: the dateline lead, context, the quotes, the background.
        fixed = 2 + len(quote_paragraphs)
        paragraphs = max(4 - fixed, min(rng.randint(1, 4), 9 - fixed))
        # Drawn together so that no sentence appears twice in one release.
        sentences = rng.sample(words.SENTENCES, 3 * paragraphs)
        context = [
            " ".join(sentence.format(**slots) for sentence in sentences[3 * n : 3 * n + size])
            for n, size in enumerate(rng.choices((2, 3), k=paragraphs))
        ]
        dateline = "/".join(place.upper() for place in scene.places)
        day = scene.day
        opening = f"{dateline}, {day.day} {words.MONTHS[day.month - 1]} {day.year} – {lead}"
        middle = context[:1] + quote_paragraphs + context[1:]
        return Text(title, lead, _paragraphs([opening, *middle, background]), quotes)

    def quote_texts(self, count: int, slots: dict, pool: tuple[str, ...]) -> list[str]:
        """`count` quotations of one or two sentences, no sentence said twice in a release
        (as long as the pool lasts)."""
        rng = self.rng
        sizes = [rng.choice((1, 1, 2)) if len(pool) >= 2 * count else 1 for _ in range(count)]
        deck = rng.sample(pool, len(pool))
        texts = []
        for size in sizes:
            if len(deck) < size:
                deck = rng.sample(pool, len(pool))
            sentences, deck = deck[:size], deck[size:]
            texts.append(" ".join(cap(sentence.format(**slots)) for sentence in sentences))
        return texts

    def english_quotes(self, scene: Scene, slots: dict) -> tuple[list[str], list[str]]:
        rng = self.rng
        paragraphs = []
        texts = self.quote_texts(len(scene.voices), slots, words.QUOTES)
        previous: Voice | None = None
        for voice, text in zip(scene.voices, texts, strict=True):
            if voice is None:
                paragraphs.append(f"“{_with_comma(text)}” the {scene.source} said in a statement.")
            elif voice == previous:
                pronoun = "she" if voice.female else "he"
                paragraphs.append(f"“{_with_comma(text)}” {pronoun} added.")
            else:
                pattern = rng.randrange(4 if "," not in voice.role else 3)
                if pattern == 0:
                    paragraph = f"“{_with_comma(text)}” said {voice.name}, {voice.role}."
                elif pattern == 1:
                    paragraph = f"{voice.name}, {voice.role}, said: “{text}”"
                elif pattern == 2:
                    indirect = rng.choice(words.INDIRECT).format(
                        **slots, name=f"{voice.name}, {voice.role},"
                    )
                    paragraph = f"{indirect} “{text}”"
                else:
                    paragraph = f"“{_with_comma(text)}” said {voice.role} {voice.name}."
                paragraphs.append(paragraph)
            previous = voice
        return paragraphs, texts

    # Russian ----------------------------------------------------------------------------------

    def russian(self, scene: Scene) -> Text:
        rng = self.rng
        city = scene.places[-1]
        event_acc, event_nom, took_place = rng.choice(words.RU_EVENTS)
        participants, participants_gen = rng.choice(words.RU_PARTICIPANTS)
        slots = {
            "city": words.RU_CITIES[city],
            "event_acc": event_acc,
            "event_nom": event_nom,
            "took_place": took_place,
            "subject": scene.topic.ru_subjects[scene.subject_index % len(scene.topic.ru_subjects)],
            "Participants": cap(participants),
            "participants_gen": participants_gen,
            "number": rng.randrange(12, 80),
            "donor": rng.choice(words.RU_DONORS),
        }
        title = cap(rng.choice(words.RU_TITLES).format(**slots))
        lead = cap(rng.choice(words.RU_LEADS).format(**slots))
        day = scene.day
        dateline = "/".join(words.RU_CITY_NAMES[place] for place in scene.places)
        paragraphs = [
            f"{dateline}, {day.day} {words.RU_MONTHS[day.month - 1]} {day.year} года – {lead}"
        ]
        sentences = [sentence.format(**slots) for sentence in rng.sample(words.RU_SENTENCES, 6)]
        paragraphs.append(" ".join(sentences[:2]))
        if not scene.voices:
            paragraphs.append(" ".join(sentences[4:]))
        quotes = self.quote_texts(len(scene.voices), slots, words.RU_QUOTES)
        for voice, text in zip(scene.voices, quotes, strict=True):
            if voice is None:
                paragraphs.append(f"«{text}» – говорится в заявлении ОБСЕ.")
            else:
                verb = "отметила" if voice.female else "отметил"
                paragraphs.append(f"«{text[:-1]}», – {verb} {voice.name}.")
        paragraphs.append(" ".join(sentences[2:4]))
        return Text(title, lead, _paragraphs(paragraphs), quotes)
