"""Controlled vocabularies as data, in English, Russian and Kazakh."""
