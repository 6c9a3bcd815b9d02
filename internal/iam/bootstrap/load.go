package bootstrap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/iam"
)

// Size bounds on input files.
const (
	MaxFileBytes     = 4 << 20
	MaxJWKSFileBytes = iam.MaxStaticJWKSBytes
)

// Options configures Load.
type Options struct {
	// URL relaxes provider URL rules (http:// on loopback, for
	// --allow-http-issuers).
	URL iam.URLOptions
}

// Load reads, decodes and validates the bootstrap file at path. jwks_file
// paths are resolved relative to the file's directory. On failure the
// error is a *LoadError listing every problem (or an I/O error).
func Load(path string, opts Options) (*File, error) {
	data, err := readBounded(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	return Parse(data, path, filepath.Dir(path), opts)
}

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}

// lineRE extracts the line number yaml puts at the start of its messages.
var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse decodes and validates a bootstrap file's content; name labels
// problems and baseDir resolves jwks_file paths.
func Parse(data []byte, name, baseDir string, opts Options) (*File, error) {
	if len(data) > MaxFileBytes {
		return nil, &LoadError{Problems: []Problem{{File: name, Message: fmt.Sprintf("the file is larger than %d bytes", MaxFileBytes)}}}
	}
	c := &collector{file: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.yamlError(err)
		return nil, &LoadError{Problems: c.problems}
	}
	c.root = &root
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(&f)
	switch {
	case errors.Is(err, io.EOF):
		return &f, nil // an empty file declares nothing
	case err != nil:
		c.yamlError(err)
		return nil, &LoadError{Problems: c.problems}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		c.add(nil, "the file must hold a single YAML document")
	}
	v := validator{c: c, opts: opts, baseDir: baseDir}
	v.file(&f)
	if len(c.problems) > 0 {
		return nil, &LoadError{Problems: c.problems}
	}
	return &f, nil
}

// yamlError records a decoding error; type errors list one problem per
// line-tagged message.
func (c *collector) yamlError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		if len(c.problems) >= maxProblems {
			return
		}
		p := Problem{File: c.file, Message: m}
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Message = sm[2]
		}
		c.problems = append(c.problems, p)
	}
}
