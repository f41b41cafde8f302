"""The shared parameters (params.yaml) and the data folder a run reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import files, params_schema, paths


class ConfigError(ValueError):
    """A parameters file or data folder that the pipeline cannot use."""


def load_params(
    params_file: str | Path = "params.yaml", data_dir: str | Path | None = None
) -> dict[str, Any]:
    """Read the params file; ``data_dir`` (when given) overrides the file's ``data_dir``.

    The returned dict has ``data_dir`` as an absolute Path that exists.
    """
    path = paths.resolve(params_file)
    if not path.is_file():
        raise ConfigError(f"{path}: parameters file not found")
    try:  # safe YAML: aliases, size and repeated keys limited (helpers.files.load_yaml)
        params = files.load_yaml(path) or {}
    except files.InputError as exc:
        raise ConfigError(str(exc)) from None
    if not isinstance(params, dict):
        raise ConfigError(f"{path}: expected a mapping of parameters at the top level")
    params_schema.validate(params, path)
    chosen = data_dir if data_dir not in (None, "") else params.get("data_dir")
    if not chosen:
        raise ConfigError(f"{path}: no data_dir given and none in the parameters file")
    folder = paths.resolve(chosen)
    if not folder.is_dir():
        raise ConfigError(f"data folder {folder} does not exist")
    params["data_dir"] = folder
    params["params_file"] = path
    return params


def is_synthetic(data_dir: Path) -> bool:
    """True when the data folder declares itself synthetic (a SYNTHETIC marker file)."""
    return (Path(data_dir) / "SYNTHETIC.md").is_file()
