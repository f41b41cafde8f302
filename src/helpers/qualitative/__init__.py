"""Focus groups and interviews: REFI-QDA and spreadsheet readers, speaker attribution, theme summaries, privacy."""
