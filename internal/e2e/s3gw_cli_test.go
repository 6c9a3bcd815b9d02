package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// s3CLIPolicy is what the AWS CLI test's role may do: read, write and
// delete under blue/, manage its own multipart uploads there, and list
// the bucket only under blue/.
const s3CLIPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],
  "Resource":"arn:aws:s3:::data/blue/*"},
 {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":"blue/*"}}}]}`

// awsCLIBin is Debian's AWS CLI v2 (/usr/bin/aws), else the aws on PATH;
// the test skips without one unless STSD_REQUIRE_AWSCLI is set.
func awsCLIBin(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		return "/usr/bin/aws"
	}
	if p, err := exec.LookPath("aws"); err == nil {
		return p
	}
	if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
		t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
	}
	t.Skip("aws CLI not installed")
	return ""
}

// s3CLI runs the AWS CLI against the gateway with a session's keys in the
// environment and nothing else: a fresh HOME and config file (path-style
// addressing, us-east-1), no shared credentials, no instance metadata, no
// retries (an error is the gateway's first answer).
type s3CLI struct {
	t        *testing.T
	bin      string
	endpoint string
	env      []string
	dir      string
}

func newS3CLI(t *testing.T, endpoint string, c aws.Credentials, extraEnv ...string) *s3CLI {
	t.Helper()
	bin := awsCLIBin(t)
	home := t.TempDir()
	cfg := filepath.Join(home, "config")
	if err := os.WriteFile(cfg, []byte("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &s3CLI{t: t, bin: bin, endpoint: endpoint, dir: home, env: append([]string{
		"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + "/usr/bin:/bin",
		"HOME=" + home, "AWS_CONFIG_FILE=" + cfg, "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey, "AWS_SESSION_TOKEN=" + c.SessionToken,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1",
		"AWS_RETRY_MODE=standard",
	}, extraEnv...)}
}

// run runs the CLI with args (the endpoint added) and returns stdout,
// stderr and the exit error.
func (c *s3CLI) run(args ...string) (string, string, error) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "--endpoint-url", c.endpoint, "--output", "json")...)
	cmd.Env, cmd.Dir = c.env, c.dir
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// ok runs the CLI and fails the test when it fails.
func (c *s3CLI) ok(args ...string) string {
	c.t.Helper()
	stdout, stderr, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("aws %s: %v\n%s%s", strings.Join(args, " "), err, stdout, stderr)
	}
	return stdout
}

// file writes a file under the CLI's directory and returns its path.
func (c *s3CLI) file(name string, data []byte) string {
	c.t.Helper()
	p := filepath.Join(c.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// patterned is n deterministic bytes that are not one repeated byte, so
// a part out of place changes the content.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/4096)
	}
	return b
}

// The AWS CLI with a web-identity session, straight at the gateway: the
// high-level s3 commands (cp up and down, a multipart-sized file, ls,
// sync both ways, rm, presign), the s3api multipart calls, DeleteObjects
// with allowed and denied keys, and a denied cp — each checked on the
// backend's disk. The payload modes the CLI chose are logged (a
// transparent relay records them).
func TestS3GatewayAWSCLI(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	role := n.s3Role("cli", map[string]string{"s3": s3CLIPolicy})
	creds := n.s3Session(role, "cli-job", nil, "")
	relay := sniff(t, strings.TrimPrefix(n.app.S3URL, "http://"))
	cli := newS3CLI(t, relay.url(), creds)
	onDisk := func(key string, want []byte) {
		t.Helper()
		got, err := os.ReadFile(n.backend.Path("data", key))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("backend holds %d bytes of %s (%v), want %d", len(got), key, err, len(want))
		}
	}
	absent := func(key string) {
		t.Helper()
		if _, err := os.Stat(n.backend.Path("data", key)); !os.IsNotExist(err) {
			t.Fatalf("%s is on the backend (%v)", key, err)
		}
	}
	sessionARN := "arn:aws:sts::" + account + ":assumed-role/cli/cli-job"

	t.Run("cp", func(t *testing.T) {
		small := []byte("hello from aws s3 cp\n")
		cli.ok("s3", "cp", cli.file("small.txt", small), "s3://data/blue/small.txt")
		onDisk("blue/small.txt", small)
		big := patterned(9<<20 + 12345) // over the CLI's 8 MiB multipart threshold: two parts
		cli.ok("s3", "cp", cli.file("big.bin", big), "s3://data/blue/big.bin")
		onDisk("blue/big.bin", big)
		up := relay.take()
		t.Logf("aws s3 cp up: %s", strings.Join(modes(up), "; "))
		if !hasOp(up, "POST", "uploads") || !hasOp(up, "PUT", "partNumber&uploadId") || !hasOp(up, "POST", "uploadId") {
			t.Fatalf("the 9 MiB cp was not a multipart upload: %v", modes(up))
		}
		// Over plain HTTP the CLI signs every body's SHA-256.
		wantMode(t, up, "PUT", "", "hex")
		wantMode(t, up, "PUT", "partNumber&uploadId", "hex")

		cli.ok("s3", "cp", "s3://data/blue/big.bin", filepath.Join(cli.dir, "down.bin"))
		if got, _ := os.ReadFile(filepath.Join(cli.dir, "down.bin")); !bytes.Equal(got, big) {
			t.Fatalf("downloaded %d bytes, want %d", len(got), len(big))
		}
		cli.ok("s3", "cp", "s3://data/blue/small.txt", filepath.Join(cli.dir, "small-down.txt"))
		if got, _ := os.ReadFile(filepath.Join(cli.dir, "small-down.txt")); !bytes.Equal(got, small) {
			t.Fatalf("downloaded %q", got)
		}
		t.Logf("aws s3 cp down: %s", strings.Join(modes(relay.take()), "; "))
	})

	t.Run("ls", func(t *testing.T) {
		out := cli.ok("s3", "ls", "s3://data/blue/")
		if !strings.Contains(out, " 21 small.txt") || !strings.Contains(out, " "+strconv.Itoa(9<<20+12345)+" big.bin") {
			t.Fatalf("aws s3 ls printed:\n%s", out)
		}
		// The whole bucket is outside the s3:prefix the policy allows.
		_, stderr, err := cli.run("s3", "ls", "s3://data/")
		wantCLIError(t, stderr, err, "ListObjectsV2", "AccessDenied", "User: "+sessionARN+
			" is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::data\" because no identity-based policy allows the s3:ListBucket action")
		relay.take()
	})

	t.Run("sync", func(t *testing.T) {
		files := map[string][]byte{"a.txt": []byte("a"), "sub/b.txt": []byte("bb"), "sub/deep/c.txt": []byte("ccc")}
		// The files are a minute old, as files usually are when synced:
		// aws s3 sync uploads again a file whose mtime is newer than the
		// object's LastModified, which has whole seconds, so a file
		// written in the same second as its upload would be copied twice.
		old := time.Now().Add(-time.Minute).Truncate(time.Second)
		for name, data := range files {
			if err := os.Chtimes(cli.file("tree/"+name, data), old, old); err != nil {
				t.Fatal(err)
			}
		}
		cli.ok("s3", "sync", filepath.Join(cli.dir, "tree"), "s3://data/blue/tree/")
		for name, data := range files {
			onDisk("blue/tree/"+name, data)
		}
		// A second sync uploads nothing: the listing says all is there.
		if out := cli.ok("s3", "sync", filepath.Join(cli.dir, "tree"), "s3://data/blue/tree/"); out != "" {
			t.Fatalf("the second sync copied:\n%s", out)
		}
		cli.ok("s3", "sync", "s3://data/blue/tree/", filepath.Join(cli.dir, "back"))
		for name, data := range files {
			if got, err := os.ReadFile(filepath.Join(cli.dir, "back", filepath.FromSlash(name))); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("synced down %s: %q %v", name, got, err)
			}
		}
		t.Logf("aws s3 sync: %s", strings.Join(modes(relay.take()), "; "))
	})

	t.Run("rm", func(t *testing.T) {
		cli.ok("s3", "rm", "s3://data/blue/small.txt")
		absent("blue/small.txt")
		cli.ok("s3", "rm", "--recursive", "s3://data/blue/tree/")
		absent("blue/tree/a.txt")
		absent("blue/tree/sub/deep/c.txt")
		t.Logf("aws s3 rm: %s", strings.Join(modes(relay.take()), "; "))
	})

	t.Run("keys that need encoding", func(t *testing.T) {
		// Spaces, "+", "%", unicode, "=" and "&": each signed by the CLI
		// as it encodes them and stored under the literal key.
		key := "blue/a b+c%20d/é=1&x.txt"
		data := []byte("encoded")
		cli.ok("s3", "cp", cli.file("enc.txt", data), "s3://data/"+key)
		onDisk(key, data)
		cli.ok("s3", "cp", "s3://data/"+key, filepath.Join(cli.dir, "enc-down.txt"))
		if got, _ := os.ReadFile(filepath.Join(cli.dir, "enc-down.txt")); !bytes.Equal(got, data) {
			t.Fatalf("downloaded %q", got)
		}
		url := strings.TrimSpace(cli.ok("s3", "presign", "s3://data/"+key))
		resp, err := n.httpClient().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
			t.Fatalf("presigned GET of an encoded key: %d %q", resp.StatusCode, got)
		}
		out := cli.ok("s3", "ls", "s3://data/blue/a b+c%20d/")
		if !strings.Contains(out, " 7 é=1&x.txt") {
			t.Fatalf("aws s3 ls printed:\n%s", out)
		}
		cli.ok("s3", "rm", "s3://data/"+key)
		absent(key)
		relay.take()
	})

	t.Run("presign", func(t *testing.T) {
		url := strings.TrimSpace(cli.ok("s3", "presign", "s3://data/blue/big.bin", "--expires-in", "300"))
		if !strings.Contains(url, "X-Amz-Algorithm=AWS4-HMAC-SHA256") || !strings.Contains(url, "X-Amz-Expires=300") {
			t.Fatalf("the CLI presigned something else than SigV4: %s", redactQuery(url))
		}
		resp, err := n.httpClient().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(got) != 9<<20+12345 {
			t.Fatalf("presigned GET: %d, %d bytes", resp.StatusCode, len(got))
		}
		// The same URL for a key the role may not read is denied.
		url = strings.TrimSpace(cli.ok("s3", "presign", "s3://data/red/secret"))
		resp, err = n.httpClient().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "<Code>AccessDenied</Code><Message>User: "+sessionARN+
			" is not authorized to perform: s3:GetObject on resource: &#34;arn:aws:s3:::data/red/secret&#34; because no identity-based policy allows the s3:GetObject action</Message>") {
			t.Fatalf("presigned GET outside the policy: %d %s", resp.StatusCode, body)
		}
		t.Logf("aws s3 presign: %s", strings.Join(modes(relay.take()), "; "))
	})

	t.Run("s3api multipart", func(t *testing.T) {
		var created struct{ UploadId string }
		mustJSON(t, cli.ok("s3api", "create-multipart-upload", "--bucket", "data", "--key", "blue/mp.bin"), &created)
		part1, part2 := patterned(5<<20), []byte("the last part may be small")
		var etags []string
		for i, data := range [][]byte{part1, part2} {
			var up struct{ ETag string }
			mustJSON(t, cli.ok("s3api", "upload-part", "--bucket", "data", "--key", "blue/mp.bin", "--upload-id", created.UploadId,
				"--part-number", strconv.Itoa(i+1), "--body", cli.file("part"+strconv.Itoa(i+1), data)), &up)
			etags = append(etags, up.ETag)
		}
		var parts struct {
			Parts []struct{ PartNumber, Size int }
		}
		mustJSON(t, cli.ok("s3api", "list-parts", "--bucket", "data", "--key", "blue/mp.bin", "--upload-id", created.UploadId), &parts)
		if len(parts.Parts) != 2 || parts.Parts[0].Size != len(part1) || parts.Parts[1].Size != len(part2) {
			t.Fatalf("list-parts: %+v", parts)
		}
		absent("blue/mp.bin")
		doc, _ := json.Marshal(map[string]any{"Parts": []map[string]any{{"PartNumber": 1, "ETag": etags[0]}, {"PartNumber": 2, "ETag": etags[1]}}})
		cli.ok("s3api", "complete-multipart-upload", "--bucket", "data", "--key", "blue/mp.bin", "--upload-id", created.UploadId,
			"--multipart-upload", "file://"+cli.file("parts.json", doc))
		onDisk("blue/mp.bin", append(append([]byte(nil), part1...), part2...))

		// An aborted upload leaves nothing; its parts are gone.
		mustJSON(t, cli.ok("s3api", "create-multipart-upload", "--bucket", "data", "--key", "blue/aborted.bin"), &created)
		cli.ok("s3api", "upload-part", "--bucket", "data", "--key", "blue/aborted.bin", "--upload-id", created.UploadId,
			"--part-number", "1", "--body", cli.file("p", []byte("abandoned")))
		cli.ok("s3api", "abort-multipart-upload", "--bucket", "data", "--key", "blue/aborted.bin", "--upload-id", created.UploadId)
		_, stderr, err := cli.run("s3api", "list-parts", "--bucket", "data", "--key", "blue/aborted.bin", "--upload-id", created.UploadId)
		// versitygw's answer, passed through (S3's own text).
		wantCLIError(t, stderr, err, "ListParts", "NoSuchUpload",
			"The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
		absent("blue/aborted.bin")
		// Starting an upload outside the policy is denied.
		_, stderr, err = cli.run("s3api", "create-multipart-upload", "--bucket", "data", "--key", "red/mp.bin")
		wantCLIError(t, stderr, err, "CreateMultipartUpload", "AccessDenied", "User: "+sessionARN+
			" is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::data/red/mp.bin\" because no identity-based policy allows the s3:PutObject action")
		t.Logf("aws s3api multipart: %s", strings.Join(modes(relay.take()), "; "))
	})

	t.Run("s3api delete-objects", func(t *testing.T) {
		for _, k := range []string{"blue/d1", "blue/d2", "red/d1", "red/d2"} {
			n.backend.PutObject(t, "data", k, []byte(k))
		}
		var out struct {
			Deleted []struct{ Key string }
			Errors  []struct{ Key, Code, Message string }
		}
		mustJSON(t, cli.ok("s3api", "delete-objects", "--bucket", "data", "--delete",
			`{"Objects":[{"Key":"blue/d1"},{"Key":"red/d1"},{"Key":"blue/d2"},{"Key":"red/d2"}]}`), &out)
		var deleted, denied []string
		for _, d := range out.Deleted {
			deleted = append(deleted, d.Key)
		}
		for _, e := range out.Errors {
			if e.Code != "AccessDenied" || e.Message != "Access Denied" {
				t.Errorf("error for %s: %s %q", e.Key, e.Code, e.Message)
			}
			denied = append(denied, e.Key)
		}
		sort.Strings(deleted)
		sort.Strings(denied)
		if strings.Join(deleted, ",") != "blue/d1,blue/d2" || strings.Join(denied, ",") != "red/d1,red/d2" {
			t.Fatalf("deleted %v, denied %v", deleted, denied)
		}
		absent("blue/d1")
		absent("blue/d2")
		onDisk("red/d1", []byte("red/d1"))
		onDisk("red/d2", []byte("red/d2"))
		t.Logf("aws s3api delete-objects: %s", strings.Join(modes(relay.take()), "; "))
	})

	t.Run("denied cp", func(t *testing.T) {
		_, stderr, err := cli.run("s3", "cp", cli.file("x.txt", []byte("no")), "s3://data/red/x.txt")
		wantCLIError(t, stderr, err, "PutObject", "AccessDenied", "User: "+sessionARN+
			" is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::data/red/x.txt\" because no identity-based policy allows the s3:PutObject action")
		absent("red/x.txt")
		// Downloading what the role may not read.
		n.backend.PutObject(t, "data", "red/secret", []byte("secret"))
		_, stderr, err = cli.run("s3", "cp", "s3://data/red/secret", filepath.Join(cli.dir, "secret"))
		// The CLI heads the object first; a HEAD answer has no body, so
		// the CLI prints the status.
		wantCLIError(t, stderr, err, "HeadObject", "403", "Forbidden")
		if _, err := os.Stat(filepath.Join(cli.dir, "secret")); !os.IsNotExist(err) {
			t.Fatalf("the denied download wrote a file: %v", err)
		}
		relay.take()
	})

	if strings.Contains(n.logs.String(), creds.SecretAccessKey) || strings.Contains(n.logs.String(), creds.SessionToken) {
		t.Fatal("a secret of the session is in the node's log")
	}
}

// wantCLIError asserts the CLI failed with S3's error code and message as
// it prints them: "An error occurred (CODE) when calling the OP operation
// (reached max retries: 0): MESSAGE". An empty message checks the code and
// the operation only.
func wantCLIError(t *testing.T, stderr string, err error, op, code, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the CLI succeeded, want %s", code)
	}
	want := "An error occurred (" + code + ") when calling the " + op + " operation (reached max retries: 0): " + message
	if message != "" {
		want += "\n"
	}
	if !strings.Contains(stderr, want) {
		t.Fatalf("the CLI printed %q, want %q", stderr, want)
	}
}

// hasOp reports whether reqs hold a method with exactly those
// subresource parameters.
func hasOp(reqs []sniffed, method, query string) bool {
	for _, r := range reqs {
		if r.Method == method && r.Query == query {
			return true
		}
	}
	return false
}

// wantMode asserts that every request of that method and subresource set
// was sent in payload mode mode, and that there was one.
func wantMode(t *testing.T, reqs []sniffed, method, query, mode string) {
	t.Helper()
	found := false
	for _, r := range reqs {
		if r.Method == method && r.Query == query {
			found = true
			if r.mode() != mode {
				t.Fatalf("%s ?%s sent %s, want %s: the test no longer exercises that mode", method, query, r.mode(), mode)
			}
		}
	}
	if !found {
		t.Fatalf("no %s ?%s among %v", method, query, modes(reqs))
	}
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
}

// redactQuery drops a URL's query, which holds a presigned URL's token.
func redactQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}

// s3CLIs are the AWS CLIs the TLS test runs: Debian's (awsCLIBin), and
// the one STSD_AWSCLI_EXTRA names, if any (an AWS CLI v1 on a current
// botocore, say, whose defaults differ).
func s3CLIs(t *testing.T) []string {
	bins := []string{awsCLIBin(t)}
	if extra := os.Getenv("STSD_AWSCLI_EXTRA"); extra != "" && extra != bins[0] {
		bins = append(bins, extra)
	}
	return bins
}

// cliVersion is the CLI's version line ("aws-cli/2.9.19 Python/… botocore/…").
func cliVersion(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	return strings.TrimSpace(string(out))
}

// flexibleChecksums reports whether a CLI computes checksums by default
// (when_supported): AWS CLI v2 from 2.23.0, or v1 on botocore from 1.36.0
// (their changelogs); those send uploads over HTTPS as
// STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer.
func flexibleChecksums(version string) bool {
	at := func(prefix string) (int, int) {
		_, v, ok := strings.Cut(version, prefix)
		if !ok {
			return 0, 0
		}
		f := strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == ' ' })
		if len(f) < 2 {
			return 0, 0
		}
		major, _ := strconv.Atoi(f[0])
		minor, _ := strconv.Atoi(f[1])
		return major, minor
	}
	if major, minor := at("aws-cli/"); major == 2 {
		return minor >= 23
	}
	major, minor := at("botocore/")
	return major > 1 || major == 1 && minor >= 36
}

// Over HTTPS the CLI stops signing upload bodies: UNSIGNED-PAYLOAD with a
// Content-MD5 (CLI v2 before 2.23), or STREAMING-UNSIGNED-PAYLOAD-TRAILER
// with a CRC32 trailer (current defaults). A small and a multipart cp go
// up, come back, and are on the backend's disk; delete-objects answers
// per key.
func TestS3GatewayAWSCLIOverTLS(t *testing.T) {
	for _, bin := range s3CLIs(t) {
		version := cliVersion(t, bin)
		t.Run(strings.ReplaceAll(strings.Fields(version)[0], "/", " "), func(t *testing.T) {
			t.Logf("%s: %s", bin, version)
			mode := "UNSIGNED-PAYLOAD"
			if flexibleChecksums(version) {
				mode = "STREAMING-UNSIGNED-PAYLOAD-TRAILER (x-amz-checksum-crc32)"
			}
			n := startS3Node(t, s3NodeOptions{tls: true})
			role := n.s3Role("cli", map[string]string{"s3": s3CLIPolicy})
			creds := n.s3Session(role, "cli-job", nil, "")
			relay, ca := sniffTLS(t, strings.TrimPrefix(n.app.S3URL, "https://"), n.roots)
			cli := newS3CLI(t, relay.url(), creds, "AWS_CA_BUNDLE="+ca)
			cli.bin = bin
			small, big := []byte("over TLS\n"), patterned(9<<20+1)
			cli.ok("s3", "cp", cli.file("small.txt", small), "s3://data/blue/small.txt")
			cli.ok("s3", "cp", cli.file("big.bin", big), "s3://data/blue/big.bin")
			for key, want := range map[string][]byte{"blue/small.txt": small, "blue/big.bin": big} {
				if got, err := os.ReadFile(n.backend.Path("data", key)); err != nil || !bytes.Equal(got, want) {
					t.Fatalf("backend holds %d bytes of %s (%v), want %d", len(got), key, err, len(want))
				}
			}
			up := relay.take()
			t.Logf("aws s3 cp up over TLS: %s", strings.Join(modes(up), "; "))
			wantMode(t, up, "PUT", "", mode)
			wantMode(t, up, "PUT", "partNumber&uploadId", mode)
			cli.ok("s3", "cp", "s3://data/blue/big.bin", filepath.Join(cli.dir, "down.bin"))
			if got, _ := os.ReadFile(filepath.Join(cli.dir, "down.bin")); !bytes.Equal(got, big) {
				t.Fatalf("downloaded %d bytes, want %d", len(got), len(big))
			}
			var out struct {
				Deleted []struct{ Key string }
				Errors  []struct{ Key, Code, Message string }
			}
			mustJSON(t, cli.ok("s3api", "delete-objects", "--bucket", "data", "--delete",
				`{"Objects":[{"Key":"blue/small.txt"},{"Key":"red/small.txt"}]}`), &out)
			if len(out.Deleted) != 1 || out.Deleted[0].Key != "blue/small.txt" || len(out.Errors) != 1 ||
				out.Errors[0] != (struct{ Key, Code, Message string }{"red/small.txt", "AccessDenied", "Access Denied"}) {
				t.Fatalf("delete-objects: %+v", out)
			}
			t.Logf("aws s3 cp down, delete-objects over TLS: %s", strings.Join(modes(relay.take()), "; "))
		})
	}
}
