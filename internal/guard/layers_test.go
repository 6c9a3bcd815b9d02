package guard

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A layer is one row of the architecture's layer diagram
// (docs/architecture.md, "Layers").
type layer struct {
	name string
	// testOnly layers hold test helpers and test suites: no package of a
	// production layer may import them.
	testOnly bool
	pkgs     []string // directories relative to the repository root
}

// layers is the layer diagram, bottom to top: every package of the
// repository (both test modules included) in exactly one layer, and a
// package's non-test files import only packages of lower layers, except
// the imports listed in exceptions.
var layers = []layer{
	{name: "leaves", pkgs: []string{
		"internal/arn", "internal/awserr", "internal/background", "internal/secret", "internal/sigv4", "internal/store", "internal/strictb64", "internal/strictjson",
		"client/authz", "client/webidentity",
	}},
	{name: "test helpers", testOnly: true, pkgs: []string{
		"internal/testutil/fakeidp", "internal/testutil/sdkhttp", "internal/testutil/syncio", "internal/testutil/testclock",
	}},
	{name: "building blocks", pkgs: []string{
		"internal/policy", "internal/creds", "internal/oidc", "internal/introspect", "internal/issuer", "internal/devidp",
		"internal/store/memstore/eventlog", "internal/store/etcdstore", "internal/store/storetest",
	}},
	{name: "domain", pkgs: []string{
		"internal/iam", "internal/audit", "internal/config", "internal/policycli",
		"internal/store/memstore", "internal/store/boltstore",
	}},
	{name: "IAM's wire codes", pkgs: []string{
		"internal/iamwire",
	}},
	{name: "protocol and bootstrap", pkgs: []string{
		"internal/awsquery", "internal/iam/bootstrap", "internal/credcli",
	}},
	{name: "authentication and HTTP", pkgs: []string{
		"internal/authn", "internal/server",
	}},
	{name: "authorization", pkgs: []string{
		"internal/authz",
	}},
	{name: "APIs", pkgs: []string{
		"internal/sts", "internal/iamapi", "internal/downstream",
	}},
	{name: "front doors", pkgs: []string{
		"internal/extauthz", "internal/s3gw", "internal/console",
	}},
	{name: "assembly", pkgs: []string{
		"internal/app",
	}},
	{name: "development", pkgs: []string{
		"internal/devmode",
	}},
	{name: "test nodes", testOnly: true, pkgs: []string{
		"internal/testutil/stsdnode", "internal/testutil/s3backend",
	}},
	{name: "commands", pkgs: []string{
		"cmd/stsd", "scripts/loadgen", "examples/authz-service", "bench/verifyserver",
	}},
	{name: "repository tests", testOnly: true, pkgs: []string{
		"internal/e2e", "internal/guard", "internal/integrationsdoc",
		"test/etcd", "test/etcd/etcdtest", "test/oidcprovider",
	}},
}

// exceptions are imports allowed against the layers, "from -> to" with the
// reason. None today; an exception whose import is gone, or that the
// layers allow anyway, fails the test.
var exceptions = map[string]string{}

// layerOf maps every listed package to its layer's index in layers.
func layerOf(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for i, l := range layers {
		for _, p := range l.pkgs {
			if j, dup := out[p]; dup {
				t.Errorf("%s is in layer %q and in layer %q", p, layers[j].name, l.name)
			}
			out[p] = i
		}
	}
	return out
}

func TestEveryPackageIsInOneLayer(t *testing.T) {
	pkgs := scan(t)
	of := layerOf(t)
	for p, i := range of {
		if pkgs[p] == nil {
			t.Errorf("layer %q lists %s, which is no package any more: remove it from layers and docs/architecture.md", layers[i].name, p)
		}
	}
	for dir := range pkgs {
		if _, ok := of[dir]; !ok {
			t.Errorf("package %s is in no layer: add it to layers (internal/guard) and docs/architecture.md", dir)
		}
	}
}

func TestImportsGoDownTheLayers(t *testing.T) {
	pkgs := scan(t)
	of := layerOf(t)
	used := map[string]bool{}
	for dir, p := range pkgs {
		from, ok := of[dir]
		if !ok {
			continue // TestEveryPackageIsInOneLayer reports it
		}
		for imp := range p.imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			rel := strings.TrimPrefix(imp, module+"/")
			to, ok := of[rel]
			if !ok {
				t.Errorf("%s imports %s, which is in no layer", dir, rel)
				continue
			}
			var problem string
			switch {
			case layers[to].testOnly && !layers[from].testOnly:
				problem = fmt.Sprintf("a test-only package (layer %q)", layers[to].name)
			case to >= from:
				problem = fmt.Sprintf("layer %q, not below %s's layer %q", layers[to].name, dir, layers[from].name)
			}
			key := dir + " -> " + rel
			if _, excepted := exceptions[key]; excepted {
				if problem == "" {
					t.Errorf("exception %q: the layers allow this import; remove the exception", key)
				}
				used[key] = true
				continue
			}
			if problem != "" {
				t.Errorf("%s imports %s: %s", dir, rel, problem)
			}
		}
	}
	for key, reason := range exceptions {
		if reason == "" {
			t.Errorf("exception %q has no reason", key)
		}
		if !used[key] {
			t.Errorf("exception %q: no such import any more; remove the exception", key)
		}
	}
}

// section returns the lines of a Markdown file's section under heading,
// up to the next heading of the same or a higher level.
func section(t *testing.T, file, heading string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), file))
	if err != nil {
		t.Fatal(err)
	}
	level := strings.Index(heading, " ")
	var out []string
	in := false
	for line := range strings.SplitSeq(string(raw), "\n") {
		if in && strings.HasPrefix(line, "#") {
			if l := strings.Index(line, " "); l > 0 && l <= level && strings.Trim(line[:l], "#") == "" {
				break
			}
		}
		if line == heading {
			in = true
			continue
		}
		if in {
			out = append(out, line)
		}
	}
	if !in {
		t.Fatalf("%s has no section %q", file, heading)
	}
	return out
}

var backticked = regexp.MustCompile("`([^`]+)`")

// TestArchitectureDocShowsTheLayers: docs/architecture.md's "Layers"
// table is this file's layers, top to bottom, one row per layer.
func TestArchitectureDocShowsTheLayers(t *testing.T) {
	var rows [][]string
	for _, line := range section(t, "docs/architecture.md", "## Layers") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "|") || len(cells) < 4 || strings.HasPrefix(cells[1], "---") || strings.TrimSpace(cells[1]) == "Layer" {
			continue
		}
		var pkgs []string
		for _, m := range backticked.FindAllStringSubmatch(cells[2], -1) {
			pkgs = append(pkgs, strings.TrimSuffix(m[1], "/"))
		}
		rows = append(rows, append([]string{strings.TrimSpace(cells[1])}, pkgs...))
	}
	var want [][]string
	for i := len(layers) - 1; i >= 0; i-- {
		name := layers[i].name
		if layers[i].testOnly {
			name += " (test only)"
		}
		want = append(want, append([]string{name}, layers[i].pkgs...))
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		var b strings.Builder
		for _, r := range want {
			fmt.Fprintf(&b, "| %s | `%s` |\n", r[0], strings.Join(r[1:], "`, `"))
		}
		t.Errorf("docs/architecture.md's Layers table differs from internal/guard's layers; its rows should be, top to bottom:\n%s", b.String())
	}
}

// TestReadmeLayoutListsEveryPackage: every package's directory starts a
// line of README.md's layout block, and every directory the block names
// exists.
func TestReadmeLayoutListsEveryPackage(t *testing.T) {
	root := repoRoot(t)
	listed := map[string]bool{}
	for _, line := range section(t, "README.md", "## Repository layout") {
		first, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if !strings.HasSuffix(first, "/") || strings.HasPrefix(line, "```") {
			continue
		}
		dir := strings.TrimSuffix(first, "/")
		listed[dir] = true
		if fi, err := os.Stat(filepath.Join(root, dir)); err != nil || !fi.IsDir() {
			t.Errorf("README.md's layout lists %s/, which is no directory", dir)
		}
	}
	for dir := range scan(t) {
		if !listed[dir] {
			t.Errorf("README.md's layout does not list %s/ (a line starting with it)", dir)
		}
	}
}
