"""Streamlit-side pieces of the app: the article panel (a small offline custom component), its pure
HTML and selection helpers, and the map with its component arguments computed once per map."""
