#!/usr/bin/env bash
# filter.sh -- the parts of an output that must not change: drop lines and
# JSON fields that hold wall-clock times.
sed -E -e 's/"(seconds|elapsed|time|wall_seconds)": [0-9.e+-]+/"\1": T/g' \
  -e 's/[0-9]+\.[0-9]+ s\b/T s/g'
