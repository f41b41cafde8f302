"""Writing the pipeline's outputs: processed data, tables and figures.

Every writer goes through :func:`atomic_path`, so a reader never sees half a file, and writes
under :func:`helpers.paths.staging`, so the stage runner can publish a stage's outputs only
when the whole stage succeeded. Writers are deterministic: the same data give the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import matplotlib
import pandas as pd

from helpers import paths

# Fixed so that two runs give byte-identical SVG files (ids are hashed from this salt).
matplotlib.rcParams["svg.hashsalt"] = "doctors-managers"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside ``target``; move it into place only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula (OWASP
# CSV injection); full-width = + - @ are folded to these by some spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Text that is a plain number ("-0.12", "+3", "-5%") is data, not a formula: left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def is_formula(value) -> bool:
    """True for text a spreadsheet would run as a formula: it starts (after any spaces or line
    breaks) with = + - @ tab or carriage return, and is not a plain number."""
    if not isinstance(value, str):
        return False
    stripped = value.lstrip(" \n\u00a0")
    return stripped.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(stripped)


def neutral_text(value):
    """``value`` with a leading apostrophe if it is formula text (:func:`is_formula`), else as is.
    The one neutraliser for every published CSV cell, header and index, and the workbook's test."""
    return "'" + value if is_formula(value) else value


def _neutral_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_neutral_index(level) for level in index.levels]
        out = index.set_levels(levels, verify_integrity=False)
        return out.set_names([neutral_text(n) for n in index.names])
    if index.dtype == object or pd.api.types.is_string_dtype(index):
        out = pd.Index([neutral_text(v) for v in index], name=neutral_text(index.name), dtype=index.dtype)
    else:
        out = index.rename(neutral_text(index.name))
    return out


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells, column headers, index values and index names that a spreadsheet would run
    as a formula get a leading apostrophe (the usual CSV-injection guard); numbers, including
    negative ones, are left as they are."""
    out = df.copy()
    for position in range(out.shape[1]):
        values = out.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            cats = values.cat.categories
            if any(is_formula(c) for c in cats):
                out.isetitem(position, values.cat.rename_categories([neutral_text(c) for c in cats]))
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            risky = values.map(is_formula).astype(bool)
            if risky.any():
                out.iloc[risky.to_numpy().nonzero()[0], position] = "'" + values[risky].astype(str)
    out.columns = _neutral_index(out.columns)
    out.index = _neutral_index(out.index)
    return out


def deterministic_zip(
    members: dict[str, bytes | str], date_time=(2015, 1, 1, 0, 0, 0), mode: int = 0o644
) -> bytes:
    """A zip of ``members`` (name -> bytes or text) in the given order, with fixed timestamps
    and permissions: the same members give the same bytes (.qdpx, .xlsx, test archives)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=tuple(date_time))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = mode << 16
            archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def write_csv(df: pd.DataFrame, relative: str, *, index: bool = False) -> Path:
    """Write a CSV with fixed line endings and float formatting (byte-stable), formula-safe."""
    target = paths.output(relative)
    with atomic_path(target) as tmp:
        neutralise_formulas(df).to_csv(tmp, index=index, lineterminator="\n", encoding="utf-8")
    return target


def write_table(df: pd.DataFrame, name: str, *, index: bool = False) -> Path:
    """A published table: ``reports/tables/<name>.csv``. Apply disclosure control first."""
    return write_csv(df, f"reports/tables/{name}.csv", index=index)


def write_parquet(df: pd.DataFrame, name: str) -> Path:
    """Processed data: ``data/processed/<name>.parquet`` (typed, categoricals kept)."""
    target = paths.output(f"data/processed/{name}.parquet")
    with atomic_path(target) as tmp:
        df.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
    return target


def write_processed_csv(df: pd.DataFrame, name: str) -> Path:
    """A processed-data log such as the exclusions: ``data/processed/<name>.csv``."""
    return write_csv(df, f"data/processed/{name}.csv")


class SavedFigure(list):
    """The paths :func:`save_figure` wrote (a list, as before), displayed in a notebook as the
    saved PNG with its description as the image's alt text (``image/png`` metadata ``alt``, which
    the report template and JupyterLab use)."""

    def __init__(self, written: list[Path], png: bytes, alt: str, width: int | None = None):
        super().__init__(written)
        self.png, self.alt, self.width = png, alt, width

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        meta = {"alt": self.alt}
        if self.width:
            meta["width"] = self.width
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": f"Figure: {self.alt}"}
        return data, {"image/png": meta}


def describe_figure(fig) -> str:
    """A plain description of a matplotlib figure from its titles and axis labels, used as alt
    text when the caller gives none (a caller's own sentence is better)."""
    parts = []
    suptitle = fig._suptitle.get_text().strip() if getattr(fig, "_suptitle", None) else ""
    if suptitle:
        parts.append(suptitle)
    for ax in fig.axes:
        bits = [
            text
            for text in (
                ax.get_title().strip(),
                ax.get_xlabel().strip() and f"horizontal axis: {ax.get_xlabel().strip()}",
                ax.get_ylabel().strip() and f"vertical axis: {ax.get_ylabel().strip()}",
            )
            if text
        ]
        if bits:
            parts.append("; ".join(bits))
    text = ". ".join(dict.fromkeys(" ".join(p.split()) for p in parts))
    return f"Chart. {text}." if text else ""


def save_figure(fig, name: str, *, alt: str | None = None, dpi: int = 150) -> SavedFigure:
    """Save ``reports/figures/<name>.png`` and ``.svg`` without timestamps (byte-stable).

    ``alt`` says what the figure shows (the alt text of the report's image, and the PNG's and
    SVG's Description); without it a description is built from the figure's titles and axis
    labels. The figure is closed; the returned :class:`SavedFigure` displays the saved PNG with
    its description, so a notebook cell ends with ``outputs.save_figure(fig, name, alt=...)``."""
    import matplotlib.pyplot as plt

    description = " ".join((alt or describe_figure(fig)).split())
    if not description:
        raise ValueError(f"save_figure({name!r}): give alt=, a sentence saying what the figure shows")
    written = []
    for ext, metadata in (
        ("png", {"Software": None, "Description": description}),
        ("svg", {"Date": None, "Creator": None, "Description": description}),
    ):
        target = paths.output(f"reports/figures/{name}.{ext}")
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=ext, dpi=dpi, bbox_inches="tight", metadata=metadata)
        written.append(target)
    png = written[0].read_bytes()
    plt.close(fig)
    return SavedFigure(written, png, description, display_width(png, dpi))


def display_width(png: bytes, dpi: int = 150) -> int | None:
    """The width in CSS pixels at which a PNG saved at ``dpi`` shows at its drawn size (100 dpi)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width = int.from_bytes(png[16:20], "big")
    return round(width * 100 / dpi)


def figure_description(png: bytes) -> str:
    """The Description text chunk :func:`save_figure` wrote into a PNG ('' if none)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        return str(im.info.get("Description", "")).strip()
