"""Findings across the strands (notebook 05): strand outputs, headline figures, triangulation.

* :mod:`helpers.findings.strands` - which strand tables exist, read by their documented names;
* :mod:`helpers.findings.headline` - headline figures taken from the strand tables (never
  recomputed), formatted for the report and the seminar deck;
* :mod:`helpers.findings.triangulation` - the survey items x qualitative themes matrix
  (convergence, complementarity, dissonance, silence) from the team's mapping file;
* :mod:`helpers.findings.all_tables` - every table of every strand in one workbook.
"""
