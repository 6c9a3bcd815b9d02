package guard

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/stsd/stsd"

// maxLines bounds every Go file; big files hide structure.
const (
	maxLines     = 800
	maxTestLines = 1000
)

// leaves may import nothing from the module except the listed packages,
// which must be leaves themselves.
var leaves = map[string][]string{
	"internal/arn":        nil,
	"internal/awserr":     nil,
	"internal/background": nil,
	"internal/policy":     {"internal/arn", "internal/strictjson"}, // themselves leaves
	"internal/secret":     nil,
	"internal/sigv4":      nil,
	"internal/store":      nil,
	"internal/strictb64":  nil,
	"internal/strictjson": nil,
}

type goPkg struct {
	hasDoc  bool
	imports map[string]bool // of its non-test files
	// onlyTests is a directory with _test.go files only (internal/e2e):
	// a package for the layout and the layers, with no imports to check
	// and no doc comment to require.
	onlyTests bool
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found: %v", err)
	}
	return root
}

func scan(t *testing.T) map[string]*goPkg {
	t.Helper()
	root := repoRoot(t)
	pkgs := map[string]*goPkg{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Count(string(src), "\n")
		limit := maxLines
		if strings.HasSuffix(name, "_test.go") {
			limit = maxTestLines
		}
		if lines > limit {
			relFile, _ := filepath.Rel(root, path)
			t.Errorf("%s has %d lines (limit %d): split it", relFile, lines, limit)
		}
		p := pkgs[rel]
		if p == nil {
			p = &goPkg{imports: map[string]bool{}, onlyTests: true}
			pkgs[rel] = p
		}
		if strings.HasSuffix(name, "_test.go") {
			return nil
		}
		p.onlyTests = false
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.ImportsOnly)
		if err != nil {
			return err
		}
		if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
			p.hasDoc = true
		}
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			p.imports[ip] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for dir, p := range scan(t) {
		if !p.hasDoc && !p.onlyTests {
			t.Errorf("package in %s has no package doc comment", dir)
		}
	}
}

func TestLeafPackagesImportNoSibling(t *testing.T) {
	pkgs := scan(t)
	for leaf, allowed := range leaves {
		for _, a := range allowed {
			if _, ok := leaves[a]; !ok {
				t.Errorf("%s may import %s, which is not a leaf", leaf, a)
			}
		}
		p := pkgs[leaf]
		if p == nil {
			continue
		}
		for imp := range p.imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			rel := strings.TrimPrefix(imp, module+"/")
			ok := strings.HasPrefix(rel, leaf+"/")
			for _, a := range allowed {
				ok = ok || rel == a
			}
			if !ok {
				t.Errorf("%s is a leaf package but imports %s", leaf, imp)
			}
		}
	}
}
