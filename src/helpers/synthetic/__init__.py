"""Synthetic inputs for tests, apart from the analysis: random valid instruments
(:mod:`helpers.synthetic.instruments`)."""
