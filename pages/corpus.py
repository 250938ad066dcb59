"""Streamlit page "corpus": many dated articles on one map (wiring only; see app_components/corpus_page.py)."""

from app_components.corpus_page import main

main()
