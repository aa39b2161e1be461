"""gunicorn's settings. gunicorn reads this file from the directory it starts in, the
project's root, for every gunicorn the project runs: `make serve-prod`, the gunicorn tests
(tests/processes.py) and `make loadtest` (bench/loadtest.py). The address and the number of
workers stay on their command lines."""

# A link to a filtered view carries every chosen value in its query string, and a filter
# takes up to 50 (policies/filters/fields.py, MAX_VALUES): a few filters at that many values
# pass gunicorn's default request line of 4,094 bytes, which gunicorn refuses with its bare
# "Request Line is too large" before Django sees the request. 8,190 bytes is the most
# gunicorn allows (0 would lift the limit, and with it gunicorn's guard against huge request
# lines); a longer one still gets gunicorn's own error (README, "Pages and filters"). Within
# it, Django answers: more than 1,000 parameters, or more than 50 values for a filter, get
# the 400 a malformed filter gets (policies/web/limits.py).
limit_request_line = 8190
