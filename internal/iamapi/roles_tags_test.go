package iamapi_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// TagRole adds and replaces (keys ignore case, the new spelling wins),
// UntagRole removes (ignoring case and unknown keys), ListRoleTags lists
// sorted by key, a page at a time.
func TestContractRoleTags(t *testing.T) {
	n := newNode(t)
	n.roleCreate(t, "app", &iamsdk.CreateRoleInput{Tags: roleSDKTags("team", "platform")})
	ctx := context.Background()

	if _, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app"),
		Tags: roleSDKTags("Team", "infra", "env", "prod", "Cost", "42")}); err != nil {
		t.Fatal(err)
	}
	out, err := n.root().ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("APP")})
	if err != nil {
		t.Fatal(err)
	}
	if got := roleTags(out.Tags); !slices.Equal(got, []string{"Cost=42", "Team=infra", "env=prod"}) || out.IsTruncated || out.Marker != nil {
		t.Errorf("ListRoleTags = %v truncated=%v marker=%v", got, out.IsTruncated, out.Marker)
	}
	if got := roleTags(n.roleGet(t, "app").Tags); !slices.Equal(got, []string{"Team=infra", "env=prod", "Cost=42"}) {
		t.Errorf("GetRole Tags = %v", got)
	}

	var pages [][]string
	var marker *string
	for {
		out, err := n.root().ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("app"), MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, roleTags(out.Tags))
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if len(pages) != 2 || !slices.Equal(pages[0], []string{"Cost=42", "Team=infra"}) || !slices.Equal(pages[1], []string{"env=prod"}) {
		t.Errorf("pages = %v", pages)
	}

	if _, err := n.root().UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("app"), TagKeys: []string{"TEAM", "absent"}}); err != nil {
		t.Fatal(err)
	}
	out, err = n.root().ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if got := roleTags(out.Tags); !slices.Equal(got, []string{"Cost=42", "env=prod"}) {
		t.Errorf("after UntagRole: %v", got)
	}
	if _, err := n.root().UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("app"), TagKeys: []string{"cost", "env"}}); err != nil {
		t.Fatal(err)
	}
	out, err = n.root().ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("app")})
	if err != nil || len(out.Tags) != 0 || out.Tags == nil {
		t.Errorf("no tags left: got %v, %v; want an empty list", out, err)
	}
	if r := n.roleGet(t, "app"); r.Tags != nil {
		t.Errorf("GetRole Tags = %v, want absent", r.Tags)
	}
}

func TestContractRoleTagErrors(t *testing.T) {
	n := newNode(t)
	var tags49 []string
	for i := range 49 {
		tags49 = append(tags49, fmt.Sprintf("k%02d", i), "v")
	}
	n.roleCreate(t, "app", &iamsdk.CreateRoleInput{Tags: roleSDKTags(tags49...)})
	ctx := context.Background()

	// Replacing keeps the count; a 51st tag is over IAM's limit of 50.
	if _, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app"), Tags: roleSDKTags("K00", "new", "k49", "v")}); err != nil {
		t.Fatalf("TagRole to exactly 50 tags: %v", err)
	}
	_, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app"), Tags: roleSDKTags("k50", "v")})
	wantAPIError(t, err, "LimitExceeded", 409, "The number of tags has reached the maximum limit.")
	if got := n.roleGet(t, "app").Tags; len(got) != 50 || aws.ToString(got[0].Key) != "K00" {
		t.Errorf("after the refused TagRole: %d tags, first %v", len(got), roleTags(got[:1]))
	}

	var tags51 []string
	for i := range 51 {
		tags51 = append(tags51, fmt.Sprintf("n%02d", i), "v")
	}
	long := strings.Repeat("k", 129)
	tests := []struct {
		name, code string
		call       func() error
		status     int
		msg        string
	}{
		{"TagRole no such role", "NoSuchEntity", func() error {
			_, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("nope"), Tags: roleSDKTags("k", "v")})
			return err
		}, 404, "The role with name nope cannot be found."},
		{"TagRole more than 50 in the request", "ValidationError", func() error {
			_, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app"), Tags: roleSDKTags(tags51...)})
			return err
		}, 400, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"TagRole reserved key", "InvalidInput", func() error {
			_, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app"), Tags: roleSDKTags("AWS:x", "v")})
			return err
		}, 400, "Tag keys starting with 'aws:' are reserved for internal use."},
		{"TagRole bad key and value", "ValidationError", func() error {
			_, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app"), Tags: roleSDKTags("a!", "b#")})
			return err
		}, 400, "2 validation errors detected: " +
			`Value 'a!' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+; ` +
			`Value 'b#' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`},
		{"UntagRole no such role", "NoSuchEntity", func() error {
			_, err := n.root().UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("nope"), TagKeys: []string{"k"}})
			return err
		}, 404, "The role with name nope cannot be found."},
		{"UntagRole bad keys", "ValidationError", func() error {
			_, err := n.root().UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("app"), TagKeys: []string{long, "ok"}})
			return err
		}, 400, "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [" +
			"Member must have length less than or equal to 128, Member must have length greater than or equal to 1, " +
			`Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+]`},
		{"ListRoleTags no such role", "NoSuchEntity", func() error {
			_, err := n.root().ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("nope")})
			return err
		}, 404, "The role with name nope cannot be found."},
		{"ListRoleTags MaxItems", "ValidationError", func() error {
			_, err := n.root().ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("app"), MaxItems: aws.Int32(1001)})
			return err
		}, 400, "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantAPIError(t, tc.call(), tc.code, tc.status, tc.msg) })
	}

	wantRawError(t, n.post(url.Values{"Action": {"TagRole"}, "RoleName": {"app"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	wantRawError(t, n.post(url.Values{"Action": {"UntagRole"}, "RoleName": {"app"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	wantRawError(t, n.post(url.Values{"Action": {"ListRoleTags"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
}
