"""A generated instrument written in its seed's platform layout, then read and cleaned as
notebook 02 does: the start of every in-process test on generated instruments."""

from __future__ import annotations

from helpers.survey import cleaning, inputs
from helpers.synthetic import instruments as S


def read_and_clean(seed: int, folder, max_battery_items: int = 8):
    """(instrument, layout, export, codebook, cleaning result) of ``random_instrument(seed)``."""
    inst = S.random_instrument(seed, max_battery_items=max_battery_items)
    layout = S.LAYOUTS[seed % len(S.LAYOUTS)]
    S.write_instrument(inst, folder, layout)
    export, codebook = inputs.load(folder)
    result = cleaning.clean_survey(
        export.data, codebook, S.settings_for(layout, inst.codebook), export.source
    )
    return inst, layout, export, codebook, result
