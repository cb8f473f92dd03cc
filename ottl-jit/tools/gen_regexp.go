// Writes testdata/conformance/go_regexp.jsonl: for random patterns over the features where
// Go's regexp and Rust's regex differ, whether Go compiles each and, if so, every match (with
// its groups) on a fixed set of inputs; the oracle of ottl-types' goregex.rs.
//
//	go run ottl-jit/tools/gen_regexp.go > testdata/conformance/go_regexp.jsonl
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"regexp"
	"runtime"
	"strings"
)

var tokens = []string{
	"a", "b", "é", ".", "*", "+", "?", "{2}", "{1,}", "{", "}", "(", ")", "(?:", "(?i)", "(?s)", "(?m)",
	"(?U)", "|", "^", "$", "[", "]", "[^", "-", `\d`, `\w`, `\s`, `\b`, `\B`, `\D`, `\W`, `\S`, `\.`,
	`\Q`, `\E`, `\101`, `\0`, `\<`, "&&", "~~", "[:alpha:]", `\pL`, `\p{Greek}`, "x", "0", "9", " ",
	`\n`, `\x41`, `\x{e9}`, "(?P<n>", `\z`, `\A`, ",", "&",
}

// Inputs is the list goregex.rs's test matches each pattern against, in this order.
var inputs = []string{"", "a", "ab", "aab", "é", "A b\n", "x{2}", "a.b", "0-9", "αβγ", "a&b~c", "[x]", "< >", "abc\nabc", "aé9_ x"}

func main() {
	head, _ := json.Marshal(map[string]any{"go": runtime.Version(), "inputs": inputs})
	fmt.Println(string(head))
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 1200; i++ {
		var b strings.Builder
		for n := 1 + r.Intn(6); n > 0; n-- {
			b.WriteString(tokens[r.Intn(len(tokens))])
		}
		p := b.String()
		line := map[string]any{"p": p}
		if re, err := regexp.Compile(p); err != nil {
			line["err"] = err.Error()
		} else {
			// Each input's matches, flattened: the group offsets of each match, then -9.
			var all [][]int
			for _, in := range inputs {
				flat := []int{}
				for _, m := range re.FindAllStringSubmatchIndex(in, -1) {
					flat = append(append(flat, m...), -9)
				}
				all = append(all, flat)
			}
			line["m"] = all
		}
		out, _ := json.Marshal(line)
		fmt.Println(string(out))
	}
}
