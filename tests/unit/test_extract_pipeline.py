"""The pipeline's speed-ups change nothing but speed: the same sentences and the same target matches."""

from __future__ import annotations

from typing import Any

from overturn.extract.pipeline import SPAN_GROUP, get_pipeline, prepare_text, sentence_starts

NOTE = (
    "HPI: 72 y/o with neurogenic claudication, relieved by sitting.  Dr. Smith saw her b.i.d. last wk.\n"
    "MRI:\n\n  L4-5: LF 5.4 mm. Severe central canal stenosis.\n"
    "L5-S1: No stenosis.\tShe walks 2 blocks,then\nstops. Failed PT x 6 weeks; ESI x2."
)


def _regex_matcher(nlp: Any) -> Any:
    target = nlp.get_pipe("medspacy_target_matcher")
    return target._TargetMatcher__matcher._MedspacyMatcher__regex_matcher


def test_the_target_matcher_builds_the_doc_text_once_per_doc() -> None:
    # if a medspaCy upgrade moves the private attribute, extraction still works but is slower: say so here
    assert type(_regex_matcher(get_pipeline())).__name__ == "TextOnceRegexMatcher"


def test_the_text_once_matcher_finds_exactly_what_medspacys_matcher_finds() -> None:
    from medspacy.common.regex_matcher import RegexMatcher

    nlp = get_pipeline()
    doc = nlp(prepare_text(NOTE))
    ours = _regex_matcher(nlp)
    assert ours(doc) == RegexMatcher.__call__(ours, doc)
    assert len(doc.spans[SPAN_GROUP]) > 5


def test_sentences_start_where_sentence_starts_says() -> None:
    text = prepare_text(NOTE)
    doc = get_pipeline()(text)
    starts = sentence_starts(text)
    for sent in doc.sents:
        assert sent.start_char in starts or sent.start == 0
    for token in doc:
        if token.idx in starts and not token.is_space:
            assert token.is_sent_start, token.text
    assert [s.text.strip() for s in doc.sents][:2] == [
        "HPI:",
        "72 y/o with neurogenic claudication, relieved by sitting.",
    ]
