"""Issue 12, input side: paths that escape the data folder, decoding (decisions 5), safe YAML,
params.yaml validated against its schema; `make check` (helpers.check) reports each of them."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from helpers import check, config, files, paths
from helpers.files import InputError

DEMO = paths.project_root() / "data" / "raw" / "demo"
SECRET = "root:x:0:0:SECRET-CONTENT"


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "study"
    shutil.copytree(DEMO, target)
    return target


@pytest.fixture
def outside(tmp_path):
    """A file outside the data folder whose content must never be read or quoted."""
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\nmore,lines\n", encoding="utf-8")
    return secret


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# 3. Paths confined to the data folder


@pytest.mark.parametrize(
    "name, message",
    [
        ("../../../../etc/passwd", "must stay inside the folder base/ ('..' is not allowed)"),
        ("sub/../../x.csv", "'..' is not allowed"),
        ("/etc/passwd", "must be a name relative to the folder base/, not an absolute path"),
        ("C:\\Windows\\win.ini", "not an absolute path"),
        ("~/secret.csv", "not an absolute path"),
        ("", "file is empty"),
    ],
)
def test_inside_refuses_names_that_leave_the_folder(tmp_path, name, message):
    (tmp_path / "base").mkdir()
    with pytest.raises(InputError) as err:
        files.inside(tmp_path / "base", name, source="log.csv", row=3, column="file")
    assert str(err.value).startswith("log.csv, row 3, column 'file': ")
    assert message in str(err.value)


def test_inside_refuses_a_link_leading_out_and_accepts_one_that_stays(tmp_path, outside):
    base = tmp_path / "base"
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "real.csv").write_text("a\n", encoding="utf-8")
    (base / "out.csv").symlink_to(outside)
    (base / "in.csv").symlink_to(base / "sub" / "real.csv")
    (base / "linkdir").symlink_to(outside.parent, target_is_directory=True)
    assert files.inside(base, "sub/real.csv", source="s") == base / "sub" / "real.csv"
    assert files.inside(base, "in.csv", source="s") == base / "in.csv"
    for name in ("out.csv", "linkdir/passwd"):
        with pytest.raises(InputError, match="symbolic link leading outside the folder base/"):
            files.inside(base, name, source="s")


def test_read_bytes_refuses_a_symlink_to_a_file_outside_its_folder(tmp_path, outside):
    link = tmp_path / "export.csv"
    link.symlink_to(outside)
    with pytest.raises(InputError) as err:
        files.read_text(link)
    assert str(err.value) == (
        f"{link}: is a symbolic link to a file outside its folder; copy the file into the data folder"
    )
    assert str(outside.resolve()) not in [str(p) for p in files.inputs_read()]


@pytest.mark.parametrize("export", ["../../outside/passwd", "ABSOLUTE", "link.csv"])
def test_survey_export_outside_the_folder_is_refused_by_the_reader_and_by_check(
    data, outside, export, capsys
):
    from helpers.survey import inputs

    survey = data / "survey"
    if export == "ABSOLUTE":
        export = str(outside)
    if export == "link.csv":
        (survey / "link.csv").symlink_to(outside)
    edit(survey / "codebook.yaml", "export: survey_export.csv", f"export: {export}")
    with pytest.raises(InputError) as err:
        inputs.load(data)
    message = str(err.value)
    assert message.startswith(f"{survey / 'codebook.yaml'}: survey.export ")
    assert SECRET not in message and "root:x" not in message
    assert check.main([str(data)]) == 1
    out = capsys.readouterr().out
    assert "survey.export" in out and SECRET not in out and "root:x" not in out


def test_a_symlinked_export_found_by_name_is_refused(data, outside):
    from helpers.survey import inputs

    survey = data / "survey"
    (survey / "survey_export.csv").unlink()
    (survey / "survey_export.csv").symlink_to(outside)
    edit(survey / "codebook.yaml", "export: survey_export.csv", "title2: x")  # found by its suffix
    with pytest.raises(InputError, match="is a symbolic link to a file outside its folder") as err:
        inputs.load(data)
    assert SECRET not in str(err.value)


@pytest.mark.parametrize("name", ["/etc/passwd", "../../survey/survey_export.csv", "LINK"])
def test_searches_log_file_outside_the_searches_folder(data, outside, name, capsys):
    from helpers.literature import searches

    log = data / "literature" / "searches_log.csv"
    if name == "LINK":
        name = "zz_link.ris"
        (data / "literature" / "searches" / name).symlink_to(outside)
    edit(log, "pubmed_2016-09-01.nbib,", f"{name},")
    if name == "zz_link.ris":
        edit(log, "zz_link.ris,", "pubmed_2016-09-01.nbib,")  # keep pubmed listed
        lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
        lines.append(lines[1].replace("pubmed_2016-09-01.nbib,", f"{name},", 1))
        log.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        searches.load_searches(data / "literature")
    message = str(err.value)
    assert message.startswith(f"{log}, row ") or message.startswith(str(data / "literature" / "searches"))
    assert SECRET not in message and "root:x" not in message
    assert check.main([str(data)]) == 1
    out = capsys.readouterr().out
    assert "literature: " in out and "problem" in out
    assert SECRET not in out and "root:x" not in out


def test_params_paths_must_stay_in_the_data_folder(tmp_path, data, capsys):
    params = tmp_path / "params.yaml"
    text = (paths.project_root() / "params.yaml").read_text(encoding="utf-8")
    params.write_text(
        text.replace("mapping_file: findings/triangulation_map.csv", "mapping_file: /etc/passwd"),
        encoding="utf-8",
    )
    with pytest.raises(config.ConfigError) as err:
        config.load_params(params, data)
    assert str(err.value) == (
        f"{params}, key findings.mapping_file: must be a path relative to the data folder, not an "
        "absolute path (found '/etc/passwd')"
    )
    assert check.main([str(data), "--params", str(params)]) == 1
    assert "key findings.mapping_file" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# 4. Decoding (decisions.md 5)


def test_one_stray_byte_in_a_utf8_file_is_an_error_naming_row_and_column():
    raw = "id,quote\n1,caf\u00e9 au lait\n2,a\xa0b\n".encode("utf-8").replace(b"a\xc2\xa0b", b"a\xa0b")
    with pytest.raises(InputError) as err:
        files.decode_bytes(raw, "t.csv")
    assert str(err.value) == (
        "t.csv, row 3, column 4: mixed encodings: the file is UTF-8 but byte 0xa0 is not valid UTF-8 "
        "(a character pasted from another program?); fix that character and save as UTF-8, or "
        "declare the encoding"
    )


def test_column_counts_characters_before_the_bad_byte():
    raw = "x\n\u00e9\u00e9,\xff".encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    with pytest.raises(InputError, match="row 2, column 4: mixed encodings"):
        files.decode_bytes(raw, "t.csv")


def test_pure_windows_1252_is_read_as_cp1252():
    decoded = files.decode_bytes("id,x\n1,Don\u2019t know \u00a3\n".encode("cp1252"), "t.csv")
    assert (decoded.encoding, decoded.text) == ("cp1252", "id,x\n1,Don\u2019t know \u00a3\n")


def test_a_declared_encoding_wins():
    raw = "id,x\n1,caf\u00e9\n".encode("utf-8")
    assert files.decode_bytes(raw, "t", encoding="utf-8").text == "id,x\n1,caf\u00e9\n"
    # Declared cp1252: the UTF-8 bytes are taken as cp1252 (the researcher said so).
    assert files.decode_bytes(raw, "t", encoding="windows-1252").text == "id,x\n1,caf\u00c3\u00a9\n"
    with pytest.raises(
        InputError, match=r"t, row 2, column 3: not valid utf-8 as declared: invalid byte 0x92"
    ):
        files.decode_bytes(b"id,x\n1,\x92\n", "t", encoding="utf-8")
    with pytest.raises(InputError, match="declared encoding is not one of"):
        files.decode_bytes(raw, "t", encoding="klingon")


def test_utf16_needs_a_bom():
    assert files.decode_bytes("\ufeffid\n1\n".encode("utf-16"), "t").encoding == "utf-16"
    with pytest.raises(InputError, match="looks like UTF-16 without a byte-order mark"):
        files.decode_bytes("id\n1\n".encode("utf-16-le"), "t")


def test_a_mixed_transcript_segment_table_is_an_error_not_shifted_quotes(tmp_path):
    from helpers.qualitative import segments

    path = tmp_path / "segments.csv"
    path.write_bytes(
        "segment_id,source,speaker,code,text\n"
        "1,FG1,FG1-P1,trust,\u201cWe trust them\u201d\n"
        "2,FG1,FG1-P2,trust,they said\xa0no\n".encode("utf-8").replace(b"\xc2\xa0", b"\xa0")
    )
    with pytest.raises(InputError, match=r"segments.csv, row 3, column 29: mixed encodings"):
        segments.read_segments_table(path)


# ---------------------------------------------------------------------------------------------
# 6. Safe YAML and the params schema

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def test_a_yaml_alias_bomb_fails_fast_with_a_clear_message(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(BOMB, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        files.load_yaml(path)
    assert time.perf_counter() - start < 2
    assert str(err.value) == (
        f"{path}: expands to more than 1000000 values through aliases: refused (a YAML alias bomb?)"
    )


def test_the_alias_bomb_is_refused_as_params_and_as_codebook(tmp_path, data, capsys):
    from helpers.survey.codebook import load_codebook

    params = tmp_path / "params.yaml"
    params.write_text(BOMB, encoding="utf-8")
    with pytest.raises(config.ConfigError, match="a YAML alias bomb"):
        config.load_params(params, data)
    (data / "survey" / "codebook.yaml").write_text(BOMB, encoding="utf-8")
    with pytest.raises(InputError, match="a YAML alias bomb"):
        load_codebook(data / "survey" / "codebook.yaml")
    assert check.main([str(data)]) == 1
    assert "a YAML alias bomb" in capsys.readouterr().out


def test_too_many_aliases_and_repeated_keys_are_refused():
    many = "a: &a 1\nb: [" + ", ".join(["*a"] * 1001) + "]\n"
    with pytest.raises(InputError, match=r"more than 1000 aliases \(\*name\): refused"):
        files.load_yaml_text(many, "x.yaml")
    with pytest.raises(InputError, match="key 1 appears twice in one mapping"):
        files.load_yaml_text("labels: {1: Yes, 1: No}\n", "x.yaml")
    with pytest.raises(InputError, match="not valid YAML"):
        files.load_yaml_text("a: !!python/object/apply:os.system ['true']\n", "x.yaml")
    assert files.load_yaml_text("a: &x [1, 2]\nb: *x\n", "x.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_deeply_nested_yaml_is_an_input_error():
    with pytest.raises(InputError, match="x.yaml: (YAML is nested too deeply|not valid YAML)"):
        files.load_yaml_text("[" * 5000 + "]" * 5000, "x.yaml")


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "exclude_speeders: false",
            'exclude_speeders: "no"',
            "key survey.exclude_speeders: expected true or false (unquoted) (found 'no')",
        ),
        (
            "min_count: 5",
            "min_count: five",
            "key disclosure.min_count: expected a whole number (found 'five')",
        ),
        ("min_count: 5", "min_count: 0", "key disclosure.min_count: expected a number >= 1 (found 0)"),
        ("rule: threshold", "rule: nsh", "key disclosure.rule: expected one of 'threshold' or 'nhs'"),
        ("min_progress: 80", "min_progress: '80'", "key survey.min_progress: expected a number (found '80')"),
        (
            "folder: literature",
            "folder: ../../etc",
            "key literature.folder: must stay inside the data folder",
        ),
    ],
)
def test_params_slips_are_refused_naming_file_and_key(tmp_path, data, old, new, message, capsys):
    params = tmp_path / "params.yaml"
    text = (paths.project_root() / "params.yaml").read_text(encoding="utf-8")
    assert old in text
    params.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load_params(params, data)
    assert str(err.value).startswith(f"{params}, key ")
    assert message in str(err.value)
    assert check.main([str(data), "--params", str(params)]) == 1
    assert message in capsys.readouterr().out


def test_the_shipped_params_file_passes_the_schema():
    params = config.load_params("params.yaml")
    assert params["survey"]["exclude_speeders"] is False


def test_unknown_sections_are_allowed_but_known_keys_are_typed(tmp_path, data):
    params = tmp_path / "params.yaml"
    params.write_text("new_section: {anything: 1}\nseed: 3\n", encoding="utf-8")
    assert config.load_params(params, data)["new_section"] == {"anything": 1}
    params.write_text("seed: '3'\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="key seed: expected a whole number"):
        config.load_params(params, data)


def test_no_symlink_is_followed_by_os_walks_in_the_corpus():
    # Guard for the test above: the fixture folder has no link of its own.
    assert not any(os.path.islink(p) for p in DEMO.rglob("*"))


# ---------------------------------------------------------------------------------------------
# Role rules: a linear-time engine (RE2)


def test_a_catastrophic_backtracking_rule_runs_in_linear_time():
    rule = files.compile_rule(r"^(a+)+$", "codebook.yaml", "role_rules entry 1")
    start = time.perf_counter()
    assert rule.search("a" * 50_000 + "b") is None  # Python's re would backtrack for ages
    assert time.perf_counter() - start < 1
    assert rule.search("AAA") is not None  # case-insensitive, as role rules were


@pytest.mark.parametrize("pattern", [r"consultant(?!\s+manager)", r"(?<=senior )manager", r"(dr)\s+\1"])
def test_a_rule_needing_lookarounds_or_backreferences_is_refused_saying_so(pattern):
    with pytest.raises(InputError) as err:
        files.compile_rule(pattern, "codebook.yaml", "role_rules entry 2")
    assert str(err.value).startswith(
        "codebook.yaml: role_rules entry 2: bad regular expression: lookarounds ((?=...), (?!...), "
        "(?<=...), (?<!...)) and backreferences (\\1) are not supported: rules run on a linear-time "
        "engine (RE2); rewrite the rule without them"
    )
    assert str(err.value).endswith(f"(found {pattern!r})")


def test_codebook_role_rules_compile_with_re2(data):
    from helpers.survey.codebook import load_codebook

    codebook = load_codebook(data / "survey" / "codebook.yaml")
    assert codebook.role_rules and all(
        type(r.pattern).__module__.startswith("re2") for r in codebook.role_rules
    )
    edit(
        data / "survey" / "codebook.yaml",
        '{pattern: "chief exec|\\\\bceo\\\\b", role: Chief executive}',
        '{pattern: "chief exec(?!utive officer)", role: Chief executive}',
    )
    with pytest.raises(InputError, match="role_rules entry 1: bad regular expression: lookarounds"):
        load_codebook(data / "survey" / "codebook.yaml")


def test_an_encoding_declared_in_the_codebook_wins(data, capsys):
    from helpers.survey import inputs

    survey = data / "survey"
    export = survey / "survey_export.csv"
    export.write_bytes(export.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    edit(
        survey / "codebook.yaml",
        "export: survey_export.csv",
        "export: survey_export.csv\n  encoding: windows-1252",
    )
    read, codebook = inputs.load(data)
    assert (codebook.encoding, read.encoding) == ("windows-1252", "cp1252")
    assert "decoded as windows-1252, the encoding declared in the codebook (survey.encoding)" in read.notes
    # Declared UTF-8 on a byte that is not: the error names its row and column, never a switch.
    raw = export.read_bytes()
    cut = raw.index(b"\n", raw.index(b"\n") + 1) + 1  # start of row 3
    export.write_bytes(raw[:cut] + b"\x92" + raw[cut:])
    edit(survey / "codebook.yaml", "encoding: windows-1252", "encoding: utf-8")
    with pytest.raises(InputError, match=r"survey_export.csv, row 3, column 1: not valid utf-8 as declared"):
        inputs.load(data)
    assert check.main([str(data)]) == 1
    assert "not valid utf-8 as declared" in capsys.readouterr().out
