package s3gw

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// The AWS CLI's delete-objects body (captured).
const cliDelete = `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object>` +
	`<Object><Key>b</Key><VersionId>v</VersionId></Object></Delete>`

func TestDeleteChecks(t *testing.T) {
	op, err := Classify(newReq("POST", "h", "/data?delete", "x-amz-bypass-governance-retention: true"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(op.Checks) != 0 {
		t.Fatalf("DeleteObjects has request-level checks %q", fmtChecks(op.Checks))
	}
	d, err := ParseDelete(strings.NewReader(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Object><Key>../etc/passwd</Key></Object>
  <Object><Key>a&amp;b &#x20AC;</Key><VersionId>v1</VersionId><ETag>"e"</ETag></Object>
  <Quiet>true</Quiet>
</Delete>`))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Quiet || len(d.Objects) != 2 || d.Objects[1].ETag != `"e"` {
		t.Fatalf("parsed %+v", d)
	}
	var got []string
	for _, oc := range op.DeleteChecks(d) {
		got = append(got, oc.Object.Key+": "+strings.Join(fmtChecks(oc.Checks), " | "))
	}
	want := []string{
		"../etc/passwd: s3:DeleteObject arn:aws:s3:::data/../etc/passwd | s3:BypassGovernanceRetention arn:aws:s3:::data/../etc/passwd",
		"a&b €: s3:DeleteObjectVersion arn:aws:s3:::data/a&b € s3:VersionId=v1 | s3:BypassGovernanceRetention arn:aws:s3:::data/a&b €",
	}
	if !slices.Equal(got, want) {
		t.Errorf("checks:\n got  %q\n want %q", got, want)
	}

	// The CLI's body, without the bypass header.
	op, _ = Classify(newReq("POST", "h", "/data?delete"), "")
	d, err = ParseDelete(strings.NewReader(cliDelete))
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, oc := range op.DeleteChecks(d) {
		got = append(got, fmtChecks(oc.Checks)...)
	}
	want = []string{"s3:DeleteObject arn:aws:s3:::data/a", "s3:DeleteObjectVersion arn:aws:s3:::data/b s3:VersionId=v"}
	if !slices.Equal(got, want) {
		t.Errorf("cli checks %q, want %q", got, want)
	}
	// Only DeleteObjects has per-key checks.
	get, _ := Classify(newReq("GET", "h", "/data/k"), "")
	if get.DeleteChecks(d) != nil {
		t.Error("GetObject returned delete checks")
	}
}

func TestParseDeleteLimits(t *testing.T) {
	body := func(n int) string {
		var sb strings.Builder
		sb.WriteString("<Delete>")
		for i := range n {
			fmt.Fprintf(&sb, "<Object><Key>k%d</Key></Object>", i)
		}
		sb.WriteString("</Delete>")
		return sb.String()
	}
	d, err := ParseDelete(strings.NewReader(body(MaxDeleteObjects)))
	if err != nil || len(d.Objects) != MaxDeleteObjects {
		t.Fatalf("1000 keys: %v", err)
	}
	_, err = ParseDelete(strings.NewReader(body(MaxDeleteObjects + 1)))
	wantErr(t, err, "MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema.")

	huge := "<Delete><Object><Key>" + strings.Repeat("k", MaxDeleteBody) + "</Key></Object></Delete>"
	_, err = ParseDelete(strings.NewReader(huge))
	wantErr(t, err, "MaxMessageLengthExceeded", 400, "Your request was too big.")

	_, err = ParseDelete(strings.NewReader("<Delete><Object><Key>" + strings.Repeat("k", 1025) + "</Key></Object></Delete>"))
	wantErr(t, err, "KeyTooLongError", 400, "Your key is too long.")
}

func TestParseDeleteMalformed(t *testing.T) {
	for _, b := range []string{
		"",
		"   ",
		"<Delete></Delete>",
		"<Delete/>",
		"<Delete><Quiet>true</Quiet></Delete>",
		"<Delete><Object></Object></Delete>",
		"<Delete><Object><Key></Key></Object></Delete>",
		"<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
		"<Delete><Object><Key>a</Key><VersionId></VersionId></Object></Delete>",
		"<Delete><Object><Key>a</Key><VersionId>1</VersionId><VersionId>2</VersionId></Object></Delete>",
		"<Delete><Object><Key>a</Key><Owner>x</Owner></Object></Delete>",
		"<Delete><Object><Key><b>a</b></Key></Object></Delete>",
		"<Delete><Object><Key>a</Key></Object><Quiet>yes</Quiet></Delete>",
		"<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet><Quiet>true</Quiet></Delete>",
		"<Delete><Object><Key>a</Key></Object><Extra/></Delete>",
		"<Delete>text<Object><Key>a</Key></Object></Delete>",
		"<Delete><Object><Key>a</Key></Object></Delete><Delete><Object><Key>b</Key></Object></Delete>",
		"<Delete><Object><Key>a</Key></Object></Delete>trailing",
		"<Delete><Object><Key>a</Key></Object>",
		"<Delete><Object><Key>a</Key></Object></Object></Delete>",
		"<Remove><Object><Key>a</Key></Object></Remove>",
		`<Delete xmlns="urn:other"><Object><Key>a</Key></Object></Delete>`,
		`<Delete id="1"><Object><Key>a</Key></Object></Delete>`,
		`<s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:Object><s3:Key>a</s3:Key></s3:Object></s3:Delete>`,
		`<Delete><Object><Key>a</Key><!-- c --></Object></Delete>`,
		`<!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>`,
		`<Delete><Object><Key>&x;</Key></Object></Delete>`,
		`<Delete><Object><Key><![CDATA[a]]></Key></Object></Delete>` + "<?pi?>",
		`<?xml version="1.0" encoding="ISO-8859-1"?><Delete><Object><Key>a</Key></Object></Delete>`,
		"<Delete><Object><Key>\xff</Key></Object></Delete>",
		"<Delete><Object><Key>a\x01</Key></Object></Delete>",
		"<?pi?><Delete><Object><Key>a</Key></Object></Delete>",
	} {
		d, err := ParseDelete(strings.NewReader(b))
		if err == nil {
			t.Errorf("accepted %q as %+v", b, d)
			continue
		}
		wantErr(t, err, "MalformedXML", 400, "")
	}
}

func TestParseTagging(t *testing.T) {
	// The AWS CLI's put-object-tagging body (captured).
	tags, err := ParseTagging(strings.NewReader(`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>` +
		`<Tag><Key>a</Key><Value>b</Value></Tag><Tag><Key>team</Key><Value></Value></Tag></TagSet></Tagging>`))
	if err != nil {
		t.Fatal(err)
	}
	op, err := Classify(newReq("PUT", "h", "/data/k?tagging&versionId=7"), "")
	if err != nil {
		t.Fatal(err)
	}
	got := fmtChecks(op.TaggingChecks(tags))
	want := []string{"s3:PutObjectVersionTagging arn:aws:s3:::data/k s3:VersionId=7 s3:RequestObjectTag/a=b s3:RequestObjectTag/team= s3:RequestObjectTagKeys=[a team]"}
	if !slices.Equal(got, want) {
		t.Errorf("checks %q, want %q", got, want)
	}
	if len(op.Checks[0].Keys) != 1 {
		t.Error("TaggingChecks changed the operation's own checks")
	}
	// Empty TagSet: RequestObjectTagKeys is an empty set.
	tags, err = ParseTagging(strings.NewReader(`<Tagging><TagSet></TagSet></Tagging>`))
	if err != nil || len(tags) != 0 {
		t.Fatalf("empty tag set: %v %v", tags, err)
	}
	if got := fmtChecks(op.TaggingChecks(tags)); got[0] != "s3:PutObjectVersionTagging arn:aws:s3:::data/k s3:VersionId=7 s3:RequestObjectTagKeys=[]" {
		t.Errorf("empty set checks %q", got)
	}

	var eleven strings.Builder
	eleven.WriteString("<Tagging><TagSet>")
	for i := range 11 {
		fmt.Fprintf(&eleven, "<Tag><Key>k%d</Key><Value>v</Value></Tag>", i)
	}
	eleven.WriteString("</TagSet></Tagging>")
	_, err = ParseTagging(strings.NewReader(eleven.String()))
	wantErr(t, err, "InvalidTag", 400, "Object tags cannot be greater than 10")
	_, err = ParseTagging(strings.NewReader(`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>`))
	wantErr(t, err, "InvalidTag", 400, "Cannot provide multiple Tags with the same key")
	for _, b := range []string{
		`<Tagging></Tagging>`,
		`<Tagging><TagSet/><TagSet/></Tagging>`,
		`<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>`,
		`<Tagging><TagSet><Tag><Key></Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<Tagging><TagSet><Tag><Key>a</Key><Key>b</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<Tagging><TagSet><Item/></TagSet></Tagging>`,
	} {
		_, err := ParseTagging(strings.NewReader(b))
		wantErr(t, err, "MalformedXML", 400, "")
	}
}

// TestTableDocumented: every row of the table, and every action it
// names, appears in docs/s3-gateway.md.
func TestTableDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/s3-gateway.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, row := range operations {
		line := "| " + row.Method + " | " + [...]string{"service", "bucket", "object"}[row.Target] + " |"
		found := false
		for l := range strings.SplitSeq(text, "\n") {
			if strings.HasPrefix(l, line) && strings.Contains(l, "| "+row.Op+" |") {
				found = true
				for _, lists := range [][]string{row.Actions, row.VersionActions, row.Source, row.SourceVersion} {
					for _, a := range lists {
						if !strings.Contains(l, a) {
							t.Errorf("docs row for %s lacks %s", row.Op, a)
						}
					}
				}
				for _, x := range row.Extras {
					shared := strings.Contains(l, "the PutObject headers") // same extras as PutObject's row
					if !shared && !(strings.Contains(l, x.Header) && strings.Contains(l, x.Action)) {
						t.Errorf("docs row for %s lacks %s → %s", row.Op, x.Header, x.Action)
					}
				}
			}
		}
		if !found {
			t.Errorf("docs/s3-gateway.md has no row %q … %s", line, row.Op)
		}
	}
}
