"""Acceptance tests: case files written by an outside tester, run through the command line.

The case files live in ``tests/data/acceptance/`` (``valid/`` and ``invalid/``); they were written from
README.md, docs/pack-format.md and the issues' "How it will be checked", not copied from the examples.
What is checked:

- valid input exits 0 whatever the criteria say; ``check --json`` has the documented keys;
- invalid input exits 2 with every problem on stderr naming its field path, never a traceback;
- a Medicare-family brief carries Z00.6, NCT03072927 and the three ``ced.*`` criteria; a non-Medicare
  brief carries none of them (not even in the references) and carries the FDA clearances and the MIST
  criteria;
- every citation number in a brief (and a call sheet) resolves to a bibliography entry;
- an unknown fact gives ``unknown`` with a gap, never ``met``;
- look-back window edges, plan-type aliases, slashed zeros and lower-case undotted codes.

Tests marked ``xfail(strict=True, reason="bug: ...")`` describe bugs found by this suite; remove the mark
when the bug is fixed.
"""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from overturn.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "acceptance"
VALID_DIR = DATA / "valid"
INVALID_DIR = DATA / "invalid"
VALID = sorted(p.name for p in VALID_DIR.iterdir() if p.suffix in (".yaml", ".json"))

runner = CliRunner()

MEDICARE_TYPES = {"medicare_advantage", "medicare_supplement", "original_medicare"}
CED_IDS = {"ced.medicare_beneficiary", "ced.lss_with_nc", "ced.no_recent_lumbar_procedure"}
CLINICAL_IDS = {
    "clinical.lss_diagnosis",
    "clinical.neurogenic_claudication",
    "clinical.ligamentum_flavum",
    "clinical.spondylolisthesis",
    "clinical.conservative_care",
}
MEDICARE_ONLY_MARKERS = ("Z00.6", "NCT03072927")
NON_MEDICARE_MARKERS = ("K062038", "K233800", "2.5 mm", "grade 2")


# ---- helpers ---------------------------------------------------------------------------------------------


def run(*args: Any):
    return runner.invoke(app, [str(a) for a in args])


def assert_clean_exit(result: Any, code: int) -> None:
    """The exit code is the documented one and no exception escaped (no traceback, no exit code 1)."""
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, f"uncaught {type(escaped).__name__}: {escaped}"
    assert result.exit_code == code, (result.exit_code, result.stderr[-2000:])
    assert "Traceback" not in result.stderr


@cache
def check_json(name: str) -> dict[str, Any]:
    result = run("check", VALID_DIR / name, "--json")
    assert_clean_exit(result, 0)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@cache
def brief_text(name: str, fmt: str, layout: str = "brief") -> str:
    result = run("brief", VALID_DIR / name, "-f", fmt, "--layout", layout)
    assert_clean_exit(result, 0)
    return result.stdout


@cache
def brief_tree(name: str, layout: str = "brief") -> dict[str, Any]:
    tree: dict[str, Any] = json.loads(brief_text(name, "json", layout))
    return tree


def nodes(tree: Any, kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == kind:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


def statuses(name: str) -> dict[str, str]:
    return {c["id"]: c["status"] for c in check_json(name)["criteria"]}


def family(name: str) -> str | None:
    fam: str | None = check_json(name)["plan_family"]
    return fam


# ---- valid input: exit 0 and the documented report ------------------------------------------------------


def test_there_are_enough_acceptance_cases() -> None:
    invalid = [p for p in INVALID_DIR.iterdir() if p.is_file()]
    assert len(VALID) >= 25 and len(invalid) >= 25


@pytest.mark.parametrize("name", VALID)
def test_valid_case_check_exits_0_with_documented_json(name: str) -> None:
    report = check_json(name)
    assert set(report) >= {"pack", "pack_version", "plan_family", "diagnosis_codes", "criteria", "gaps"}
    assert report["pack"] == "mild"
    assert re.fullmatch(r"\d+\.\d+\.\d+", report["pack_version"])
    assert report["plan_family"] in ("medicare", "non_medicare", None)
    assert all(isinstance(c, str) for c in report["diagnosis_codes"])
    assert isinstance(report["gaps"], list) and all(isinstance(g, str) and g for g in report["gaps"])
    for crit in report["criteria"]:
        assert set(crit) >= {"id", "status", "reason", "citations"}
        assert crit["status"] in ("met", "unmet", "unknown")
        assert isinstance(crit["reason"], str) and crit["reason"].strip()
        assert all(isinstance(n, int) for n in crit["citations"])
    ids = [c["id"] for c in report["criteria"]]
    assert len(ids) == len(set(ids))
    assert set(ids) >= CLINICAL_IDS


@pytest.mark.parametrize("name", VALID)
def test_valid_case_check_table_exits_0(name: str) -> None:
    result = run("check", VALID_DIR / name)
    assert_clean_exit(result, 0)
    assert "clinical.lss_diagnosis" in result.stdout


@pytest.mark.parametrize("name", VALID)
def test_unknown_criteria_carry_a_gap_and_known_ones_do_not(name: str) -> None:
    report = check_json(name)
    for crit in report["criteria"]:
        if crit["status"] == "unknown":
            assert crit.get("gap"), crit["id"]
            assert crit["gap"] in report["gaps"], crit["id"]
    expected = {c["gap"] for c in report["criteria"] if c["status"] == "unknown"}
    assert set(report["gaps"]) == expected


@pytest.mark.parametrize("name", VALID)
def test_family_decides_ced_criteria_and_z00_6(name: str) -> None:
    report = check_json(name)
    ids = {c["id"] for c in report["criteria"]}
    if report["plan_family"] == "medicare":
        assert ids >= CED_IDS
        assert report["diagnosis_codes"][-1] == "Z00.6"
    elif report["plan_family"] == "non_medicare":
        assert not any(i.startswith("ced.") for i in ids)
        assert "Z00.6" not in report["diagnosis_codes"]
    else:  # plan type unknown: the CED criteria cannot be decided
        assert all(statuses(name)[i] == "unknown" for i in CED_IDS & ids)


# Family and criteria outcomes the tester worked out by hand from the case files.
EXPECTED: dict[str, dict[str, Any]] = {
    "ma_complete_slashed.yaml": {
        "family": "medicare",
        "codes": ["M48.062", "M51.362", "Z96.652", "Z00.6"],
        "all": "met",
    },
    "medigap_min.json": {
        "family": "medicare",
        "codes": ["M48.062", "Z00.6"],
        "status": {"ced.medicare_beneficiary": "met", "clinical.ligamentum_flavum": "unknown"},
    },
    "original_medicare_lowercase.yaml": {
        "family": "medicare",
        "codes": ["M48.062", "M48.061", "Z00.6"],
        "all": "met",
    },
    "post_service_ma.yaml": {"family": "medicare", "all": "met"},
    "bcbs_federal.yaml": {"family": "non_medicare", "codes": ["M48.062"], "all": "met"},
    "fep.json": {"family": "non_medicare", "codes": ["M48.062"]},
    "tricare.yaml": {"family": "non_medicare", "all": "met"},
    "wc_slash.yaml": {
        "family": "non_medicare",
        "codes": ["M48.062"],
        "status": {"clinical.ligamentum_flavum": "met", "clinical.spondylolisthesis": "met"},
    },
    "workers_compensation.json": {
        "family": "non_medicare",
        "status": {
            "clinical.ligamentum_flavum": "unmet",
            "clinical.spondylolisthesis": "unmet",
            "clinical.conservative_care": "unmet",
        },
    },
    "va_community_care.yaml": {
        "family": "non_medicare",
        "status": {"clinical.neurogenic_claudication": "unmet", "clinical.spondylolisthesis": "unknown"},
    },
    "medicaid.yaml": {"family": "non_medicare", "status": {"clinical.conservative_care": "unmet"}},
    "commercial_part_c_alias.yaml": {"family": "medicare"},
    "minimal.yaml": {"family": None, "codes": [], "all": "unknown"},
    "pack_only.yaml": {"family": "non_medicare", "codes": [], "all": "unknown"},
    "pack_only_medicare.yaml": {"family": "medicare", "status": {"ced.medicare_beneficiary": "met"}},
    "empty_lists.yaml": {
        "family": "medicare",
        "status": {"clinical.conservative_care": "unmet", "ced.no_recent_lumbar_procedure": "met"},
    },
    "missing_lists.yaml": {
        "family": "medicare",
        "status": {"clinical.conservative_care": "unknown", "ced.no_recent_lumbar_procedure": "unknown"},
    },
    "treatment_no_outcome.yaml": {"status": {"clinical.conservative_care": "unknown"}},
    "partial_dates_us.yaml": {
        "family": "medicare",
        "status": {"clinical.conservative_care": "met", "ced.no_recent_lumbar_procedure": "met"},
    },
    "thresholds_below.yaml": {
        "family": "medicare",
        "codes": ["M48.061", "Z00.6"],
        "status": {
            "clinical.lss_diagnosis": "unmet",
            "clinical.neurogenic_claudication": "unmet",
            "clinical.ligamentum_flavum": "unmet",
            "clinical.spondylolisthesis": "unmet",
            "clinical.conservative_care": "unmet",
            "ced.lss_with_nc": "unmet",
        },
    },
    # The 12-month look-back before planned_date 2027-01-12 (or 2028-02-29).
    "window_in.yaml": {"status": {"ced.no_recent_lumbar_procedure": "unmet"}},  # exactly 12 months
    "window_out.yaml": {"status": {"ced.no_recent_lumbar_procedure": "met"}},  # 12 months + 1 day
    "window_straddle.yaml": {"status": {"ced.no_recent_lumbar_procedure": "unknown"}},  # 2026-01
    "window_inmonth.yaml": {"status": {"ced.no_recent_lumbar_procedure": "unmet"}},  # 2026-06
    "window_yearonly.yaml": {"status": {"ced.no_recent_lumbar_procedure": "unknown"}},  # 2026
    "window_outyear.yaml": {"status": {"ced.no_recent_lumbar_procedure": "met"}},  # 2025
    "window_undated.yaml": {"status": {"ced.no_recent_lumbar_procedure": "unknown"}},
    "window_sameday.yaml": {"status": {"ced.no_recent_lumbar_procedure": "met"}},  # not *before*
    "window_leap_in.yaml": {"status": {"ced.no_recent_lumbar_procedure": "unmet"}},  # 2027-02-28
    "window_leap_out.yaml": {"status": {"ced.no_recent_lumbar_procedure": "met"}},  # 2027-02-27
    "window_thoracic.yaml": {"status": {"ced.no_recent_lumbar_procedure": "met"}},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_family_codes_and_statuses(name: str) -> None:
    want = EXPECTED[name]
    report = check_json(name)
    if "family" in want:
        assert report["plan_family"] == want["family"]
    if "codes" in want:
        assert report["diagnosis_codes"] == want["codes"]
    got = statuses(name)
    if "all" in want:
        assert set(got.values()) == {want["all"]}, got
    for crit, status in want.get("status", {}).items():
        assert got[crit] == status, (crit, got[crit])


def test_minimal_case_has_one_gap_per_criterion() -> None:
    report = check_json("minimal.yaml")
    assert len(report["gaps"]) == len(report["criteria"]) == 8


# ---- plan-type aliases -----------------------------------------------------------------------------------

ALIASES = {
    "Medicare Advantage": ("medicare", "Medicare Advantage"),
    "medicare advantage ppo": ("medicare", "Medicare Advantage"),
    "Part C": ("medicare", "Medicare Advantage"),
    "Medigap": ("medicare", "Medicare Supplement"),
    "Medicare Supplement": ("medicare", "Medicare Supplement"),
    "Original Medicare": ("medicare", "Original Medicare"),
    "Traditional Medicare": ("medicare", "Original Medicare"),
    "W/C": ("non_medicare", "Workers' Compensation"),
    "Workers' Compensation": ("non_medicare", "Workers' Compensation"),
    "workers\u2019 comp": ("non_medicare", "Workers' Compensation"),
    "BCBS Federal": ("non_medicare", "BCBS Federal Employee Program"),
    "FEP": ("non_medicare", "BCBS Federal Employee Program"),
    "Tricare": ("non_medicare", "TRICARE"),
    "TRICARE For Life": ("non_medicare", "TRICARE"),
    "VA": ("non_medicare", "VA"),
    "Medi-Cal": ("non_medicare", "Medicaid"),
    "commercial": ("non_medicare", "Commercial"),
}


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_plan_type_alias(alias: str, tmp_path: Path) -> None:
    fam, label = ALIASES[alias]
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {"patient": {"name": "Alias"}, "coverage": {"plan_type": alias}, "procedure": {"code": "0275T"}}
        ),
        encoding="utf-8",
    )
    result = run("check", case, "--json")
    assert_clean_exit(result, 0)
    assert json.loads(result.stdout)["plan_family"] == fam
    md = run("brief", case, "-f", "md")
    assert_clean_exit(md, 0)
    row = next(line for line in md.stdout.splitlines() if line.startswith("| **Plan type**"))
    assert label in row


# ---- normalization of codes -----------------------------------------------------------------------------


@pytest.mark.parametrize("zero", ["\u00d8", "\u00f8"])
def test_slashed_zeros_in_every_code_field(zero: str, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "patient: {name: Zero}\n"
        "coverage: {plan_type: commercial}\n"
        f'diagnoses: ["M48.{zero}62", "m48{zero}62", "M51.362"]\n'
        f'procedure: {{code: "{zero}275t"}}\n',
        encoding="utf-8",
    )
    report = run("check", case, "--json")
    assert_clean_exit(report, 0)
    assert json.loads(report.stdout)["diagnosis_codes"] == ["M48.062", "M51.362"]
    md = run("brief", case, "-f", "md")
    assert_clean_exit(md, 0)
    assert "CPT 0275T" in md.stdout and zero + "275" not in md.stdout and "M48." + zero not in md.stdout


def test_slashed_zero_codes_never_reach_the_brief() -> None:
    for fmt in ("md", "html", "json"):
        text = brief_text("ma_complete_slashed.yaml", fmt)
        assert "M48.\u00d862" not in text and "\u00d8275T" not in text
        assert "M48.062" in text and "0275T" in text


# ---- the brief: plan-family content and citations --------------------------------------------------------


@pytest.mark.parametrize("name", VALID)
def test_brief_formats_carry_the_right_family_content(name: str) -> None:
    fam = family(name)
    for fmt in ("md", "html", "json"):
        text = brief_text(name, fmt)
        if fam == "medicare":
            for marker in MEDICARE_ONLY_MARKERS:
                assert marker in text, (fmt, marker)
        elif fam == "non_medicare":
            for marker in MEDICARE_ONLY_MARKERS:
                assert marker not in text, (fmt, marker)
            for marker in NON_MEDICARE_MARKERS:
                assert marker in text, (fmt, marker)
    tree = brief_tree(name)
    checklist_ids = {item.get("ident") for item in nodes(tree, "check_item")}
    if fam == "medicare":
        assert checklist_ids >= CED_IDS
    elif fam == "non_medicare":
        assert not any(str(i).startswith("ced.") for i in checklist_ids)
        bib = " ".join(json.dumps(entry) for entry in nodes(tree, "bib_entry"))
        assert "NCT03072927" not in bib and "Z00.6" not in bib


@pytest.mark.parametrize("layout", ["brief", "call-sheet"])
@pytest.mark.parametrize("name", VALID)
def test_every_citation_resolves_to_a_bibliography_entry(name: str, layout: str) -> None:
    tree = brief_tree(name, layout)
    assert tree["schema"] == "overturn.document/1" and tree["layout"] == layout
    cited = {n for cite in nodes(tree, "cite") for n in cite["numbers"]}
    listed = [entry["number"] for entry in nodes(tree, "bib_entry")]
    assert cited, "a brief without a single citation"
    assert cited <= set(listed), cited - set(listed)
    assert set(listed) <= cited, "the bibliography lists an entry nothing cites"
    assert len(listed) == len(set(listed)) and listed == sorted(listed)


@pytest.mark.parametrize("name", VALID)
def test_verified_only_brief_still_resolves_and_keeps_the_family_rule(name: str) -> None:
    result = run("brief", VALID_DIR / name, "-f", "json", "--verified-only")
    assert_clean_exit(result, 0)
    tree = json.loads(result.stdout)
    cited = {n for cite in nodes(tree, "cite") for n in cite["numbers"]}
    listed = {entry["number"] for entry in nodes(tree, "bib_entry")}
    assert cited <= listed
    assert all(entry["status"] != "unverified" for entry in nodes(tree, "bib_entry"))
    if family(name) == "non_medicare":
        assert "NCT03072927" not in result.stdout and "K233800" in result.stdout


@pytest.mark.parametrize("name", VALID)
def test_call_sheet_follows_the_family_rule(name: str) -> None:
    text = brief_text(name, "md", "call-sheet")
    assert "Please overturn the denial" in text
    if family(name) == "non_medicare":
        assert "NCT03072927" not in text and "Z00.6" not in text
    elif family(name) == "medicare":
        assert "NCT03072927" in text and "Z00.6" in text


@pytest.mark.parametrize("name", VALID)
def test_checklist_counts_match_check_json(name: str) -> None:
    got = statuses(name)
    tree = brief_tree(name)
    marks = {item["ident"]: item["mark"] for item in nodes(tree, "check_item")}
    assert marks == got
    md = brief_text(name, "md")
    counts = {s: list(got.values()).count(s) for s in ("met", "unmet", "unknown")}
    assert (
        f"{counts['met']} met, {counts['unmet']} not met, {counts['unknown']} unknown of {len(got)} criteria"
        in md
    )


@pytest.mark.parametrize("name", VALID)
def test_markdown_has_no_empty_placeholders_or_template_braces(name: str) -> None:
    md = brief_text(name, "md")
    assert not re.search(r"\{[a-z_]+\}", md), "an unfilled template placeholder"
    for bad in ("None", "  feet", "about  ", "grade  ", " mm mm", "()", "( )"):
        assert bad not in md, bad


def test_unknown_facts_are_never_met_in_the_brief() -> None:
    md = brief_text("minimal.yaml", "md")
    assert "[x] MET" not in md and md.count("[?] UNKNOWN") == 8
    assert "0 met, 0 not met, 8 unknown of 8 criteria" in md


def test_pack_only_case_takes_the_procedure_from_the_pack() -> None:
    md = brief_text("pack_only.yaml", "md")
    assert "**Procedure:** CPT 0275T" in md


def test_post_service_denial_is_shown_as_post_service() -> None:
    md = brief_text("post_service_ma.yaml", "md")
    assert "| **Kind** | post-service |" in md


@pytest.mark.parametrize(
    "reason,heading",
    [
        ("investigational", "investigational"),
        ("not_medically_necessary", "not medically necessary"),
        ("insufficient_documentation", "insufficient documentation"),
        ("conservative_care_not_exhausted", "conservative care"),
        ("other", "other"),
    ],
)
def test_every_denial_reason_gets_its_rebuttal(reason: str, heading: str) -> None:
    md = brief_text(f"reason_{reason}.yaml", "md")
    rebuttals = md.split("## Responding to the denial", 1)[1].split("\n## ", 1)[0]
    titles = re.findall(r"^### If the reviewer says: (.+)$", rebuttals, flags=re.M)
    assert len(titles) == 1 and heading in titles[0], titles


def test_medicare_brief_lists_ced_criteria_in_the_checklist_section() -> None:
    md = brief_text("ma_complete_slashed.yaml", "md")
    checklist = md.split("## Coverage criteria checklist", 1)[1].split("\n## ", 1)[0]
    assert checklist.count("(CED study") == 3
    assert "Z00.6" in md.split("## Patient information", 1)[1].split("\n## ", 1)[0]


# ---- PDF and DOCX for a handful of cases -----------------------------------------------------------------

RENDER_CASES = ["ma_complete_slashed.yaml", "fep.json", "minimal.yaml", "workers_compensation.json"]


def _pdf_text(data: bytes) -> str:
    import pypdf

    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return re.sub(r"\s+", " ", "\n".join(parts))


@pytest.mark.parametrize("layout", ["brief", "call-sheet"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("name", RENDER_CASES)
def test_pdf_and_docx_render_and_follow_the_family_rule(
    name: str, fmt: str, layout: str, tmp_path: Path
) -> None:
    out = tmp_path / f"out.{fmt}"
    result = run("brief", VALID_DIR / name, "-f", fmt, "--layout", layout, "-o", out)
    assert_clean_exit(result, 0)
    data = out.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
        text = _pdf_text(data)
    else:
        assert data.startswith(b"PK")
        text = _docx_text(data)
    assert "0275T" in text
    if family(name) == "non_medicare":
        assert "NCT03072927" not in text and "Z00.6" not in text
        if layout == "brief":
            assert "K062038" in text and "K233800" in text
    elif family(name) == "medicare":
        assert "NCT03072927" in text and "Z00.6" in text


# ---- invalid input: exit 2, every problem named, no traceback ------------------------------------------

# file -> substrings that must all appear on stderr (field paths first), and the number of problems.
INVALID: dict[str, tuple[list[str], int]] = {
    "typos_every_level.yaml": (
        [
            "pakc: unknown key 'pakc'; did you mean 'pack'",
            "patient.birthdate: unknown key",
            "'birth_date'",
            "coverage.plan_typ: unknown key",
            "denial.reson: unknown key",
            "procedure.planed_date: unknown key",
            "physician.npii: unknown key",
            "facility.nmae: unknown key",
            "review.reviwer: unknown key",
            "findings.neurogenic_claudicaton: unknown key",
            "findings.levels[0].lf_mm: unknown key",
            "treatments[0].outcom: unknown key",
            "prior_lumbar_procedures[0].dat: unknown key",
            "narrative.histroy: unknown key",
            "findngs: unknown key 'findngs'; did you mean 'findings'",
        ],
        15,  # the 14 typos plus facility.name, now missing
    ),
    "wrong_types.yaml": (
        [
            "patient:",
            "coverage:",
            "diagnoses:",
            "procedure.code:",
            "procedure.levels:",
            "findings.neurogenic_claudication:",
            "findings.ligamentum_flavum_mm:",
            "findings.spondylolisthesis_grade:",
            "findings.odi:",
            "findings.standing_tolerance_min:",
            "treatments:",
            "prior_lumbar_procedures:",
        ],
        12,
    ),
    "wrong_types_nested.json": (
        [
            "patient.name:",
            "coverage.plan_type:",
            "denial.kind:",
            "denial.reason:",
            "denial.date:",
            "procedure.planned_date:",
            "findings.nprs:",
            "findings.odi:",
            "findings.ligamentum_flavum_mm:",
            "findings.surgical_candidate:",
            "treatments[0].type:",
            "treatments[0].outcome:",
            "treatments[0].count:",
            "prior_lumbar_procedures[0].type:",
            "prior_lumbar_procedures[0].region:",
            "prior_lumbar_procedures[0].date:",
        ],
        16,
    ),
    "future_birth.yaml": (["patient.birth_date:", "in the future", "denial.date:"], 2),
    "bad_npi.yaml": (["physician.npi:", "1234567890"], 1),
    "bad_npi_short.json": (["physician.npi:", "12345"], 1),
    "unknown_icd10.yaml": (
        ["diagnoses[1]:", "M48.069", "diagnoses[2]:", "Q99.999", "diagnoses[3]:", "not-a-code"],
        3,
    ),
    "malformed_cpt.yaml": (["procedure.code:", "'0275'"], 1),
    "malformed_cpt_letters.json": (["procedure.code:", "MILD-0275T"], 1),
    "impossible_date_quoted.yaml": (
        ["patient.birth_date:", "procedure.planned_date:", "denial.date:"],
        3,
    ),
    "impossible_date.json": (["patient.birth_date:"], 1),
    "yaml_syntax.yaml": (["not valid YAML", "line "], 1),
    "yaml_tabs.yaml": (["not valid YAML", "line 2"], 1),
    "bad_json.json": (["not valid YAML/JSON"], 1),
    "nul_bytes.json": (["not valid YAML/JSON"], 1),
    "top_level_list.yaml": (["must be a mapping"], 1),
    "top_level_list.json": (["must be a mapping"], 1),
    "empty.yaml": (["must be a mapping"], 1),
    "blank_comments.yaml": (["must be a mapping"], 1),
    "binary.yaml": (["not UTF-8"], 1),
    "latin1.yaml": (["not UTF-8"], 1),
    "no_patient.yaml": (["patient: is required"], 1),
    "unknown_plan_type.yaml": (["coverage.plan_type:", "did you mean 'medicare_advantage'"], 1),
    "other_procedure.yaml": (["procedure.code:", "64483"], 1),
    "unknown_pack.yaml": (["pack:", "spinal-cord-stimulator"], 1),
    "bad_levels.yaml": (["procedure.levels[1]:", "procedure.levels[2]:"], 2),
}

# Unquoted impossible dates in YAML: see test_unquoted_impossible_yaml_date_is_a_field_error.
INVALID_BUGGY = {"impossible_date.yaml", "impossible_date_planned.yaml"}


def test_every_invalid_file_has_an_expectation() -> None:
    files = {p.name for p in INVALID_DIR.iterdir() if p.is_file()}
    assert files == set(INVALID) | INVALID_BUGGY


def _problem_count(stderr: str) -> int:
    found = re.search(r"(\d+) problems? found", stderr)
    assert found, stderr
    return int(found.group(1))


@pytest.mark.parametrize("command", ["check", "check-json", "brief-md", "brief-pdf"])
@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_case_exits_2_naming_every_field(name: str, command: str, tmp_path: Path) -> None:
    path = INVALID_DIR / name
    args: list[Any] = {
        "check": ["check", path],
        "check-json": ["check", path, "--json"],
        "brief-md": ["brief", path, "-f", "md"],
        "brief-pdf": ["brief", path, "-f", "pdf", "-o", tmp_path / "x.pdf"],
    }[command]
    result = run(*args)
    assert_clean_exit(result, 2)
    assert result.stdout == ""
    expected, count = INVALID[name]
    for text in expected:
        assert text in result.stderr, (text, result.stderr)
    assert _problem_count(result.stderr) == count
    # one line per problem, each naming a field path (whole-file problems have no path)
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(lines) == count
    assert not (tmp_path / "x.pdf").exists()


def test_huge_file_is_refused_with_exit_2(tmp_path: Path) -> None:
    case = tmp_path / "huge.yaml"
    case.write_text("patient: {name: Huge}\nprocedure: {code: 0275T}\n" + "# padding\n" * 250_000)
    assert case.stat().st_size > 2_000_000
    result = run("check", case, "--json")
    assert_clean_exit(result, 2)
    assert "larger than" in result.stderr


def test_large_file_under_the_limit_is_accepted(tmp_path: Path) -> None:
    case = tmp_path / "large.yaml"
    case.write_text("patient: {name: Large}\nprocedure: {code: 0275T}\n" + "# padding\n" * 150_000)
    assert 1_000_000 < case.stat().st_size < 2_000_000
    assert_clean_exit(run("check", case, "--json"), 0)


def test_overlong_text_field_names_the_field(tmp_path: Path) -> None:
    case = tmp_path / "long.yaml"
    case.write_text(
        f"patient: {{name: A}}\nprocedure: {{code: 0275T}}\nfindings: {{symptoms: {'x' * 25_000}}}\n"
    )
    result = run("check", case)
    assert_clean_exit(result, 2)
    assert "findings.symptoms:" in result.stderr


def test_deeply_nested_yaml_is_refused_cleanly(tmp_path: Path) -> None:
    case = tmp_path / "deep.yaml"
    case.write_text("patient: {name: A}\nnarrative: " + "[" * 5000 + "]" * 5000 + "\n")
    assert_clean_exit(run("check", case), 2)


def test_utf8_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    case = tmp_path / "bom.yaml"
    case.write_bytes(b"\xef\xbb\xbfpatient: {name: A}\r\nprocedure: {code: 0275T}\r\n")
    assert_clean_exit(run("check", case, "--json"), 0)


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    case = tmp_path / "utf16.yaml"
    case.write_bytes("patient: {name: A}\nprocedure: {code: 0275T}\n".encode("utf-16"))
    result = run("check", case)
    assert_clean_exit(result, 2)
    assert "not UTF-8" in result.stderr


def test_missing_file_and_directory_exit_2(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.yaml", tmp_path):
        result = run("check", path)
        assert_clean_exit(result, 2)
        assert "cannot read" in result.stderr


@pytest.mark.parametrize("option,value,needle", [("-f", "txt", "--format"), ("--layout", "poster", "layout")])
def test_bad_options_exit_2(option: str, value: str, needle: str) -> None:
    result = run("brief", VALID_DIR / "minimal.yaml", option, value)
    assert_clean_exit(result, 2)
    assert needle in result.stderr and value in result.stderr


def test_batch_reports_failures_and_writes_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run(
        "brief",
        VALID_DIR / "fep.json",
        INVALID_DIR / "bad_npi.yaml",
        VALID_DIR / "tricare.yaml",
        "-f",
        "md",
        "-o",
        out,
    )
    assert_clean_exit(result, 2)
    assert "physician.npi" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["fep.md", "tricare.md"]


# ---- bugs found by this suite (xfail until fixed) ---------------------------------------------------------


@pytest.mark.parametrize(
    "name,field",
    [
        ("impossible_date.yaml", "patient.birth_date"),
        ("impossible_date_planned.yaml", "procedure.planned_date"),
    ],
)
def test_unquoted_impossible_yaml_date_is_a_field_error(name: str, field: str) -> None:
    result = run("check", INVALID_DIR / name)
    assert_clean_exit(result, 2)
    assert field in result.stderr


def test_integer_birth_date_is_not_a_unix_timestamp(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("patient: {name: A, birth_date: 0}\nprocedure: {code: 0275T}\n")
    result = run("check", case)
    assert_clean_exit(result, 2)
    assert "patient.birth_date" in result.stderr


def test_boolean_is_not_a_score(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("patient: {name: A}\nprocedure: {code: 0275T}\nfindings: {odi: true, nprs: false}\n")
    result = run("check", case)
    assert_clean_exit(result, 2)
    assert "findings.odi" in result.stderr and "findings.nprs" in result.stderr


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("patient: {name: First}\nprocedure: {code: 0275T}\npatient: {name: Second}\n")
    result = run("check", case)
    assert_clean_exit(result, 2)
    assert "patient" in result.stderr


@pytest.mark.parametrize("layout", ["brief", "call-sheet"])
def test_no_ced_entry_claim_when_an_entry_criterion_is_unmet(layout: str) -> None:
    assert statuses("thresholds_below.yaml")["ced.lss_with_nc"] == "unmet"
    md = brief_text("thresholds_below.yaml", "md", layout)
    for claim in (
        "meets the CED study's entry criteria",
        "meets the entry criteria",
        "meets the study's entry",
    ):
        assert claim not in md, claim


def test_other_rebuttal_does_not_claim_the_profile_when_unmet() -> None:
    got = statuses("workers_compensation.json")
    assert got["clinical.ligamentum_flavum"] == got["clinical.spondylolisthesis"] == "unmet"
    assert "the patient fits the evidence-based profile" not in brief_text("workers_compensation.json", "md")


@pytest.mark.parametrize("name", ["thresholds_below.yaml", "minimal.yaml"])
def test_closing_does_not_claim_more_than_the_checklist(name: str) -> None:
    assert "unmet" in statuses(name).values() or "met" not in statuses(name).values()
    assert "strong candidate" not in brief_text(name, "md")


@pytest.mark.parametrize("name", ["thresholds_below.yaml", "minimal.yaml", "tricare.yaml"])
def test_esi_answer_needs_a_recorded_injection(name: str) -> None:
    md = brief_text(name, "md")
    assert "Injections have not given lasting relief" not in md


def test_flexion_relief_is_not_claimed_when_recorded_absent() -> None:
    md = brief_text("nc_without_flexion_relief.yaml", "md")
    assert "ease with flexion" not in md


@pytest.mark.parametrize("layout", ["brief", "call-sheet"])
def test_insurer_row_has_no_empty_value(layout: str) -> None:
    md = brief_text("member_id_only.yaml", "md", layout)
    rows = [
        line for line in md.splitlines() if line.startswith(("| **Insurer and plan**", "| **Insurance**"))
    ]
    assert rows
    for row in rows:
        value = row.split("|")[2]
        assert not value.strip().startswith("("), row


def test_call_sheet_checklist_items_have_no_dangling_separator() -> None:
    md = brief_text("ma_complete_slashed.yaml", "md", "call-sheet")
    items = [line for line in md.splitlines() if line.startswith("- **[")]
    assert items
    for line in items:
        assert not re.search(r"\*\*: ?(<sup>[\d,]+</sup>)?$", line), line
    html = brief_text("ma_complete_slashed.yaml", "html", "call-sheet")
    assert not re.search(r"</strong> — (<sup[^>]*>.*?</sup>)?</li>", html)


def test_html_reference_status_wording() -> None:
    html = brief_text("fep.json", "html")
    assert "source partially<" not in html and "source partially verified" in html


def test_original_medicare_brief_has_no_medicare_advantage_only_statements() -> None:
    md = brief_text("original_medicare_lowercase.yaml", "md")
    assert "| **Plan type** | Original Medicare |" in md
    assert "The claim does not go to Medicare itself" not in md
    assert "A Medicare Advantage denial already issued" not in md
