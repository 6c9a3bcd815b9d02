package awsquery

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/awserr"
)

func TestParseMergesURLAndBodyBodyWins(t *testing.T) {
	p, err := Parse("Action=GetCallerIdentity&RoleArn=url", []byte("RoleArn=body&Version=2011-06-15"), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Value("RoleArn"); got != "body" {
		t.Errorf("RoleArn = %q, want body (body wins)", got)
	}
	if got := p.Value("Action"); got != "GetCallerIdentity" {
		t.Errorf("Action = %q", got)
	}
}

func TestParseIgnoresBodyWhenNotForm(t *testing.T) {
	p, err := Parse("Action=A", []byte("Action=B"), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Value("Action") != "A" {
		t.Errorf("Action = %q, want A", p.Value("Action"))
	}
}

func TestParseRejects(t *testing.T) {
	cases := []struct {
		name, query, body, msg string
	}{
		{"repeated in body", "", "Action=A&Action=B", `The parameter "Action" is repeated; each parameter may appear only once.`},
		{"repeated in query", "RoleArn=a&RoleArn=a", "", `The parameter "RoleArn" is repeated; each parameter may appear only once.`},
		{"bad escape in value", "", "Action=%zz", `The query string is malformed: invalid escape in the value of "Action".`},
		{"bad escape in name", "", "Act%zion=A", "The query string is malformed: invalid escape in a parameter name."},
		{"too many", strings.Repeat("a=1&", MaxParams), "", "The request has too many parameters."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.query, []byte(c.body), true)
			var e *awserr.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *awserr.Error", err)
			}
			if e.Code != "InvalidQueryParameter" || e.Status != 400 || e.Message != c.msg {
				t.Errorf("got %s %d %q, want InvalidQueryParameter 400 %q", e.Code, e.Status, e.Message, c.msg)
			}
		})
	}
}

func TestLists(t *testing.T) {
	p, err := Parse("", []byte("PolicyArns.member.2.arn=b&PolicyArns.member.1.arn=a&Tags.member.1.Key=k&Tags.member.1.Value=v&ClientIDList.member.10=z&ClientIDList.member.2=y&Empty="), true)
	if err != nil {
		t.Fatal(err)
	}
	arns, ok := p.StructList("PolicyArns", "arn")
	if !ok || len(arns) != 2 || arns[0]["arn"] != "a" || arns[1]["arn"] != "b" {
		t.Errorf("PolicyArns = %v %v", arns, ok)
	}
	tags, _ := p.StructList("Tags", "Key", "Value")
	if !reflect.DeepEqual(tags, []map[string]string{{"Key": "k", "Value": "v"}}) {
		t.Errorf("Tags = %v", tags)
	}
	ids, _ := p.List("ClientIDList")
	if !reflect.DeepEqual(ids, []string{"y", "z"}) {
		t.Errorf("ClientIDList = %v (want ordered by N)", ids)
	}
	empty, ok := p.List("Empty")
	if !ok || len(empty) != 0 {
		t.Errorf("empty-list marker: %v %v, want present and empty", empty, ok)
	}
	if _, ok := p.List("Missing"); ok {
		t.Error("absent list reported present")
	}
}

// Every request a real client sent (shared/testdata/sigv4) parses, and the
// parameters we expect are there.
func TestParseRealClientCaptures(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/testdata/sigv4/*.jsonl")
	if len(files) == 0 {
		t.Skip("shared captures not found")
	}
	n := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var c struct {
				Method, Path, Body string
				Headers            [][2]string
			}
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(u.RawQuery, []byte(c.Body), c.Method == "POST")
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if !p.Has("Action") || !p.Has("Version") {
				t.Errorf("%s: Action/Version missing in %q %q", f, c.Path, c.Body)
			}
			n++
		}
		fh.Close()
	}
	if n < 40 {
		t.Errorf("parsed %d captures, want all (≥ 40)", n)
	}
}

func TestResponseXMLAndJSON(t *testing.T) {
	exp := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)
	r := &Response{Action: "AssumeRoleWithWebIdentity", Namespace: "https://sts.amazonaws.com/doc/2011-06-15/", Result: []Node{
		Str("SubjectFromWebIdentityToken", "a<b'\"&\x01"),
		Struct("Credentials", Str("AccessKeyId", "ASIA"), Time("Expiration", exp)),
		Absent("PackedPolicySize"),
		List("Things", Str("x", "1"), Str("x", "2")),
	}}
	want := `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>a&lt;b'"&amp;�</SubjectFromWebIdentityToken>
    <Credentials>
      <AccessKeyId>ASIA</AccessKeyId>
      <Expiration>2026-01-01T01:00:00Z</Expiration>
    </Credentials>
    <Things>
      <member>1</member>
      <member>2</member>
    </Things>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>rid</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`
	if got := string(r.RenderXML("rid")); got != want {
		t.Errorf("XML:\n%s\nwant:\n%s", got, want)
	}
	if err := xml.Unmarshal(r.RenderXML("rid"), new(struct{})); err != nil {
		t.Errorf("XML does not parse: %v", err)
	}
	wantJSON := `{"AssumeRoleWithWebIdentityResponse":{"AssumeRoleWithWebIdentityResult":{"SubjectFromWebIdentityToken":"a\u003cb'\"\u0026\u0001","Credentials":{"AccessKeyId":"ASIA","Expiration":1767229200},"PackedPolicySize":null,"Things":["1","2"]},"ResponseMetadata":{"RequestId":"rid"}}}`
	if got := string(r.RenderJSON("rid")); got != wantJSON {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, wantJSON)
	}
}

func TestErrorEnvelopes(t *testing.T) {
	want := `<ErrorResponse xmlns="ns">
  <Error>
    <Type>Sender</Type>
    <Code>InvalidIdentityToken</Code>
    <Message>No OpenIDConnect provider found in your account for https://x/</Message>
  </Error>
  <RequestId>rid</RequestId>
</ErrorResponse>
`
	if got := string(ErrorXML("ns", "Sender", "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://x/", "rid")); got != want {
		t.Errorf("got\n%s", got)
	}
	wantJSON := `{"Error":{"Code":"ValidationError","Message":"m","Type":"Sender"},"RequestId":"rid"}`
	if got := string(ErrorJSON("Sender", "ValidationError", "m", "rid")); got != wantJSON {
		t.Errorf("got %s", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("Action=A&Version=1", "PolicyArns.member.1.arn=x&PolicyArns=")
	f.Add("a=%zz", "b=&&c")
	f.Fuzz(func(t *testing.T, q, body string) {
		p, err := Parse(q, []byte(body), true)
		if err != nil {
			return
		}
		p.List("PolicyArns")
		p.StructList("Tags", "Key", "Value")
	})
}
