"""Places: the gazetteer of Türkiye's provinces and districts and the article tagger (#10)."""
