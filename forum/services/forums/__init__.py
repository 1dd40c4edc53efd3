"""The forums: who sees which forum, the index and thread lists, threads and posts, content
warnings, and the list of forums administrators keep."""
