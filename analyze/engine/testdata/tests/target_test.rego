package ipvslint.rules.target_test

import data.ipvslint.rules.target

test_fires if {
	count(target.findings) == 1 with input as {"ports": [80]}
}

test_wrong if {
	fs := target.findings with input as {"ports": [80, 443]}
	print("findings:", count(fs))
	count(fs) == 3
}

todo_test_later if {
	false
}
