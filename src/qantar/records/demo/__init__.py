"""The demo data set: the cases in the five public seed reports on January 2022."""
