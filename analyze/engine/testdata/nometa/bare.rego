package ipvslint.rules.bare

findings contains "x" if false
