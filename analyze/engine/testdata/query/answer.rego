# METADATA
# title: a helper package that a command queries
package ipvslint.answer

# result doubles input.n; undefined without it.
result := {"double": input.n * 2, "words": [w | some w in input.words]} if input.n

# slow takes far longer than any timeout of the tests.
slow := count([x | some x in numbers.range(1, 100000000); x % 7 == 0])
