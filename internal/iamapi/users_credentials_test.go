package iamapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// credentialCalls are the six actions for the credentials stsd does not
// have, called through aws-sdk-go-v2 for a user name ("" leaves UserName
// out). Each returns how many items the answer listed.
var credentialCalls = map[string]func(ctx context.Context, c *iamsdk.Client, user *string) (int, error){
	"ListSSHPublicKeys": func(ctx context.Context, c *iamsdk.Client, user *string) (int, error) {
		out, err := c.ListSSHPublicKeys(ctx, &iamsdk.ListSSHPublicKeysInput{UserName: user})
		if err != nil {
			return 0, err
		}
		return truncatedCount(len(out.SSHPublicKeys), out.IsTruncated, out.Marker), nil
	},
	"ListMFADevices": func(ctx context.Context, c *iamsdk.Client, user *string) (int, error) {
		out, err := c.ListMFADevices(ctx, &iamsdk.ListMFADevicesInput{UserName: user})
		if err != nil {
			return 0, err
		}
		return truncatedCount(len(out.MFADevices), out.IsTruncated, out.Marker), nil
	},
	"ListSigningCertificates": func(ctx context.Context, c *iamsdk.Client, user *string) (int, error) {
		out, err := c.ListSigningCertificates(ctx, &iamsdk.ListSigningCertificatesInput{UserName: user})
		if err != nil {
			return 0, err
		}
		return truncatedCount(len(out.Certificates), out.IsTruncated, out.Marker), nil
	},
	"ListServiceSpecificCredentials": func(ctx context.Context, c *iamsdk.Client, user *string) (int, error) {
		out, err := c.ListServiceSpecificCredentials(ctx, &iamsdk.ListServiceSpecificCredentialsInput{UserName: user})
		if err != nil {
			return 0, err
		}
		return truncatedCount(len(out.ServiceSpecificCredentials), out.IsTruncated, out.Marker), nil
	},
	"DeleteLoginProfile": func(ctx context.Context, c *iamsdk.Client, user *string) (int, error) {
		_, err := c.DeleteLoginProfile(ctx, &iamsdk.DeleteLoginProfileInput{UserName: user})
		return 0, err
	},
}

// truncatedCount is a list's length, or -1 when the answer claims more
// pages (an empty list never has any).
func truncatedCount(n int, truncated bool, marker *string) int {
	if truncated || marker != nil {
		return -1
	}
	return n
}

// An account without SSH keys, MFA devices, passwords, signing
// certificates or service-specific credentials: every list is empty and
// not truncated, DeleteLoginProfile is IAM's NoSuchEntity for a user
// without a password (the user's stored name), and an unknown user is
// NoSuchEntity — all with the user found whatever the letter case.
func TestContractUserCredentialsNone(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	n.apiUser(t, "Ci-Bot")
	for _, action := range sortedKeys(credentialCalls) {
		call := credentialCalls[action]
		got, err := call(ctx, c, aws.String("ci-bot"))
		if action == "DeleteLoginProfile" {
			wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Login Profile for User Ci-Bot cannot be found.")
		} else if err != nil || got != 0 {
			t.Fatalf("%s = %d, %v; want an empty list", action, got, err)
		}
		_, err = call(ctx, c, aws.String("ghost"))
		wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name ghost cannot be found.")
		// Root names no user of its own here: as for the access key actions.
		_, err = call(ctx, c, nil)
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "Must specify userName when calling with non-User credentials")
	}
	for _, status := range []types.AssignmentStatusType{"", types.AssignmentStatusTypeAssigned, types.AssignmentStatusTypeUnassigned, types.AssignmentStatusTypeAny} {
		out, err := c.ListVirtualMFADevices(ctx, &iamsdk.ListVirtualMFADevicesInput{AssignmentStatus: status, MaxItems: aws.Int32(10)})
		if err != nil || out.VirtualMFADevices == nil || len(out.VirtualMFADevices) != 0 || out.IsTruncated || out.Marker != nil {
			t.Fatalf("ListVirtualMFADevices(%q) = %+v, %v", status, out, err)
		}
	}
	// AllUsers lists every user's service-specific credentials: none.
	all, err := c.ListServiceSpecificCredentials(ctx, &iamsdk.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), ServiceName: aws.String("codecommit.amazonaws.com")})
	if err != nil || len(all.ServiceSpecificCredentials) != 0 || all.IsTruncated {
		t.Fatalf("ListServiceSpecificCredentials(AllUsers) = %+v, %v", all, err)
	}
}

// Without UserName the actions apply to the calling IAM user.
func TestContractUserCredentialsOfTheCaller(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	self := n.newUserClient(t, "dev", map[string]string{"p": allow("iam:List*", "iam:DeleteLoginProfile")})
	for _, action := range sortedKeys(credentialCalls) {
		got, err := credentialCalls[action](ctx, self, nil)
		if action == "DeleteLoginProfile" {
			wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Login Profile for User dev cannot be found.")
		} else if err != nil || got != 0 {
			t.Fatalf("%s = %d, %v; want an empty list", action, got, err)
		}
	}
}

// Each action is decided by the engine on the user's ARN (ListVirtualMFADevices
// on "*"): a caller allowed only on its own user is denied on another,
// with IAM's AccessDenied, before the action learns whether the user
// exists.
func TestContractUserCredentialsAuthorized(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	self := "arn:aws:iam::" + account + ":user/dev"
	own := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*","iam:DeleteLoginProfile"],"Resource":"` + self + `"}]}`
	dev := n.newUserClient(t, "dev", map[string]string{"own": own})
	n.apiUser(t, "ops")
	for _, action := range sortedKeys(credentialCalls) {
		for _, user := range []string{"ops", "ghost"} {
			_, err := credentialCalls[action](ctx, dev, aws.String(user))
			wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
				"User: "+self+" is not authorized to perform: iam:"+action+" on resource: arn:aws:iam::"+account+":user/"+user)
		}
	}
	_, err := dev.ListVirtualMFADevices(ctx, &iamsdk.ListVirtualMFADevicesInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "User: "+self+" is not authorized to perform: iam:ListVirtualMFADevices on resource: *")
	_, err = dev.ListServiceSpecificCredentials(ctx, &iamsdk.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "User: "+self+" is not authorized to perform: iam:ListServiceSpecificCredentials on resource: *")
	// Its own user is allowed.
	out, err := dev.ListMFADevices(ctx, &iamsdk.ListMFADevicesInput{UserName: aws.String("dev")})
	if err != nil || len(out.MFADevices) != 0 {
		t.Fatalf("ListMFADevices = %+v, %v", out, err)
	}
	// Every call is one audit event naming the action: two denials of
	// each user action, a denial and an allowed call of the two actions on
	// "*" and ListMFADevices (the log is written in batches: wait for it).
	want := map[string]int{"ListVirtualMFADevices": 1, "ListServiceSpecificCredentials": 3, "ListMFADevices": 3}
	for _, action := range sortedKeys(credentialCalls) {
		if want[action] == 0 {
			want[action] = 2
		}
	}
	var got map[string]int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got = map[string]int{}
		for _, e := range n.readAudit() {
			if _, ok := want[e.EventName]; ok {
				got[e.EventName]++
			}
		}
		if fmt.Sprint(got) == fmt.Sprint(want) || time.Now().After(deadline) {
			break
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("audit events %v, want %v", got, want)
	}
}

// Member validation: IAM's ValidationError texts, every violation in one
// message, before the user is looked up.
func TestContractUserCredentialsValidation(t *testing.T) {
	n := newNode(t)
	long65, long129 := strings.Repeat("u", 65), strings.Repeat("u", 129)
	cases := []struct {
		name   string
		params url.Values
		code   string
		status int
		msg    string
	}{
		{"ssh keys: userNameType is at most 64", url.Values{"Action": {"ListSSHPublicKeys"}, "UserName": {long65}}, "ValidationError", 400,
			"1 validation error detected: Value '" + long65 + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"MFA devices: existingUserNameType is at most 128", url.Values{"Action": {"ListMFADevices"}, "UserName": {long129}}, "ValidationError", 400,
			"1 validation error detected: Value '" + long129 + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"MFA devices: 65 characters name no user", url.Values{"Action": {"ListMFADevices"}, "UserName": {long65}}, "NoSuchEntity", 404,
			"The user with name " + long65 + " cannot be found."},
		{"certificates: pattern and MaxItems", url.Values{"Action": {"ListSigningCertificates"}, "UserName": {"bad name"}, "MaxItems": {"0"}}, "ValidationError", 400,
			`2 validation errors detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
				"Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"login profile: userNameType", url.Values{"Action": {"DeleteLoginProfile"}, "UserName": {long65}}, "ValidationError", 400,
			"1 validation error detected: Value '" + long65 + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"virtual MFA: AssignmentStatus enum", url.Values{"Action": {"ListVirtualMFADevices"}, "AssignmentStatus": {"assigned"}}, "ValidationError", 400,
			"1 validation error detected: Value 'assigned' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]"},
		{"virtual MFA: a marker of no list", url.Values{"Action": {"ListVirtualMFADevices"}, "Marker": {"!!"}}, "InvalidInput", 400, "Invalid Marker."},
		{"service credentials: AllUsers is a boolean", url.Values{"Action": {"ListServiceSpecificCredentials"}, "UserName": {"ops"}, "AllUsers": {"yes"}}, "ValidationError", 400,
			"1 validation error detected: Value 'yes' at 'allUsers' failed to satisfy constraint: Member must be a valid boolean"},
		{"service credentials: AllUsers with a UserName", url.Values{"Action": {"ListServiceSpecificCredentials"}, "UserName": {"ops"}, "AllUsers": {"true"}}, "InvalidInput", 400,
			"AllUsers cannot be specified together with UserName."},
		{"service credentials: unknown user", url.Values{"Action": {"ListServiceSpecificCredentials"}, "UserName": {"ops"}, "AllUsers": {"false"}}, "NoSuchEntity", 404,
			"The user with name ops cannot be found."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantRawError(t, n.post(tc.params, nil), tc.code, tc.status, tc.msg)
		})
	}
}
