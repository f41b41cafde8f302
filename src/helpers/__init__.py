"""Analysis helpers for the doctors and managers study.

Sub-packages follow the study's strands (``literature``, ``survey``, ``qualitative``);
modules at this level are the shared pieces: where things live (``paths``), the parameters
(``config``), reading files (``files``), writing outputs (``outputs``), statistics
(``stats``), plots (``plots``), disclosure control (``disclosure``), provenance
(``provenance``) and the stage runner (``pipeline``).
"""

__version__ = "0.1.0"
