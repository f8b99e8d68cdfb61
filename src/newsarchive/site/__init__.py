"""A static site of the whole archive: index, changes, one page per article, feeds."""
