"""The survey strand: platform exports -> codebook-driven cleaning -> attitude analysis."""
