"""WRES indicators: data packs, the nine calculations, results and their pages."""
