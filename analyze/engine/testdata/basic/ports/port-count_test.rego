package ipvslint.rules.port_count_test

# Test files are not loaded by the engine: this one would not even compile.
test_count if data.ipvslint.rules.port_count.findings == no_such_thing
