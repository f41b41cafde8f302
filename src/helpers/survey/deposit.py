"""The clean survey dataset as a Frictionless data package, and a deposit copy for an archive.

:func:`write_data_package` writes ``data/processed/survey_clean.csv`` (categories as their
labels) and ``data/processed/datapackage.json`` whose table schema comes from the codebook:
one field per column with its question as ``title``, ``integer``/``number``/``boolean``/
``string`` types, and for categorical columns an ``enum`` constraint listing the codebook's
labels. ``frictionless validate data/processed/datapackage.json`` accepts it. Like everything
in data/processed it is not published (decisions 8).

A **deposit copy** for a data archive is a separate, explicitly requested output
(:func:`deposit_copy`). It is written only if the records pass a k-anonymity check over the
quasi-identifiers (default role, nation, years in role and sex; ``k`` and the list from
``params.yaml`` ``deposit:``): every combination of their values must be shared by at least
``k`` respondents. Otherwise nothing is written and the result says the dataset is for a
secure tier only, with the number of respondents in classes smaller than ``k``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.outputs import atomic_path, write_csv
from helpers.survey.codebook import Codebook

DEFAULT_QUASI = ["role", "nation", "years_in_role", "sex"]
DEFAULT_K = 5
DERIVED_TITLES = {
    "respondent": "Study pseudonym",
    "role": "Role group",
    "profession": "Profession (doctor or manager)",
    "level": "Level (board or directorate)",
}


def _field(column: str, values: pd.Series, codebook: Codebook) -> dict:
    var = codebook.variables.get(column.removesuffix("_nonsub"))
    title = DERIVED_TITLES.get(column) or (var.question if var is not None and var.question else column)
    field = {"name": column, "title": title}
    if isinstance(values.dtype, pd.CategoricalDtype):
        field["type"] = "string"
        field["constraints"] = {"enum": [str(c) for c in values.cat.categories]}
    elif pd.api.types.is_bool_dtype(values):
        field["type"] = "boolean"
    elif pd.api.types.is_integer_dtype(values):
        field["type"] = "integer"
    elif pd.api.types.is_numeric_dtype(values):
        field["type"] = "number"
    else:
        field["type"] = "string"
    return field


def table_schema(clean: pd.DataFrame, codebook: Codebook) -> dict:
    return {
        "fields": [_field(c, clean[c], codebook) for c in clean.columns],
        "missingValues": [""],
        "primaryKey": ["respondent"] if "respondent" in clean.columns else [],
    }


def _csv_frame(clean: pd.DataFrame) -> pd.DataFrame:
    out = clean.reset_index(drop=True).copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "true", False: "false"})
    return out


def write_data_package(clean: pd.DataFrame, codebook: Codebook, name: str = "survey_clean") -> Path:
    """``data/processed/<name>.csv`` and ``data/processed/datapackage.json``; returns the latter."""
    write_csv(_csv_frame(clean), f"data/processed/{name}.csv")
    package = {
        "name": name.replace("_", "-"),
        "title": codebook.title or name,
        "resources": [
            {
                "name": name.replace("_", "-"),
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(clean, codebook),
            }
        ],
    }
    if codebook.synthetic:
        package["description"] = "SYNTHETIC demonstration data: not real respondents."
    target = paths.output("data/processed/datapackage.json")
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------
# Deposit copy


@dataclass
class DepositResult:
    written: Path | None  # the deposit folder, or None (secure tier only)
    k: int
    quasi_identifiers: list[str]
    smallest_class: int
    respondents_below_k: int
    message: str


def small_classes(clean: pd.DataFrame, quasi: list[str], k: int) -> pd.DataFrame:
    """Every combination of the quasi-identifiers held by fewer than ``k`` respondents
    (missing values form their own category), with its size."""
    keys = clean[quasi].astype("object").where(clean[quasi].notna(), "(missing)").astype(str)
    sizes = keys.value_counts().rename("n").reset_index()
    return sizes[sizes["n"] < k].sort_values(["n", *quasi]).reset_index(drop=True)


def quasi_identifiers(clean: pd.DataFrame, params: dict) -> tuple[int, list[str], list[str]]:
    """(k, the quasi-identifiers checked, those ``params.deposit.quasi_identifiers`` names that
    this clean dataset does not have: not checked)."""
    settings = params.get("deposit") or {}
    named = list(settings.get("quasi_identifiers", DEFAULT_QUASI))
    return (
        int(settings.get("k", DEFAULT_K)),
        [q for q in named if q in clean.columns],
        [q for q in named if q not in clean.columns],
    )


def _words(names: list[str], conjunction: str = "and") -> str:
    words = [n.replace("_", " ") for n in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


def rule_text(clean: pd.DataFrame, params: dict) -> str:
    """What ``make deposit`` requires of this dataset, from params and the variables it has
    (report 02 printed the demo's "role, nation, years in role and sex" of any instrument)."""
    k, quasi, absent = quasi_identifiers(clean, params)
    what = f"every combination of {_words(quasi)}" if len(quasi) > 1 else f"every value of {_words(quasi)}"
    text = (
        "make deposit writes a deposit copy only if "
        + (what if quasi else "the dataset")
        + f" is shared by at least k respondents (params.yaml deposit: k = {k}, the variables listed as"
        " quasi_identifiers)."
    )
    if absent:
        text += f" The clean data has no {_words(absent, 'or')}, also listed there: not checked."
    return text


def deposit_copy(clean: pd.DataFrame, codebook: Codebook, params: dict, out_dir: str | Path) -> DepositResult:
    """Write a deposit copy (data package + .sav/.dta) to ``out_dir`` if it passes k-anonymity."""
    k, quasi, _ = quasi_identifiers(clean, params)
    small = small_classes(clean, quasi, k) if quasi else pd.DataFrame(columns=["n"])
    smallest = int(clean.groupby(quasi, observed=True, dropna=False).size().min()) if quasi else len(clean)
    below = int(small["n"].sum()) if len(small) else 0
    if below:
        return DepositResult(
            None,
            k,
            quasi,
            smallest,
            below,
            f"NOT written: {below} respondent(s) share their combination of {', '.join(quasi)} with fewer "
            f"than {k - 1} others (smallest class {smallest}); this dataset is for a secure tier only "
            "(or coarsen those variables and ask again).",
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    import os

    from helpers.survey.labelled_out import write_sav_dta

    previous = os.environ.get("HELPERS_STAGING")
    os.environ["HELPERS_STAGING"] = str(out)
    try:
        write_data_package(clean, codebook)
        write_sav_dta(clean, codebook)
    finally:
        if previous is None:
            os.environ.pop("HELPERS_STAGING", None)
        else:
            os.environ["HELPERS_STAGING"] = previous
    return DepositResult(
        out / "data" / "processed",
        k,
        quasi,
        smallest,
        0,
        f"written: every combination of {', '.join(quasi)} is held by at least {k} respondents "
        f"(smallest class {smallest}).",
    )


def main(argv: list[str] | None = None) -> int:
    """``make deposit``: a deposit copy of the clean dataset (after ``make survey``), if it passes."""
    import argparse

    from helpers import config
    from helpers.survey import inputs

    parser = argparse.ArgumentParser(prog="python -m helpers.survey.deposit", description=__doc__)
    parser.add_argument("data")
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--out", default="build/deposit")
    args = parser.parse_args(argv)
    params = config.load_params(paths.resolve(args.params), args.data)
    clean_path = paths.processed("survey_clean.parquet")
    if not clean_path.is_file():
        print(f"make deposit: {clean_path} not found: run `make survey DATA={args.data}` first")
        return 1
    codebook = inputs.load_codebook(inputs.survey_folder(params["data_dir"]) / inputs.CODEBOOK_NAME)
    result = deposit_copy(pd.read_parquet(clean_path), codebook, params, paths.resolve(args.out))
    print(f"Deposit copy {result.message}")
    if result.written:
        print(f"  {result.written}")
    return 0 if result.written else 1


if __name__ == "__main__":
    raise SystemExit(main())
