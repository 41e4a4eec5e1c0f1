"""The outreach rules, as verb-named functions with `now` passed in; each writes its own audit
entry (`outreach.audit`) in the transaction of the change it records."""
