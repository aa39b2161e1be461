"""Intake: documents to proposals. ``documents`` reads a file or a paste into text (in a
sandboxed process, within stated limits); ``extract`` is the pure extraction pipeline;
``lexicon`` reads what it matches against from the database; ``proposals`` stores what the
pipeline proposes and carries out the editor's decisions."""
