package sts_test

import (
	"context"
	"testing"
)

// A message sealed before a keyring rotation still decodes while the
// retired key is kept (its window; the end of the window is
// creds.TestMessageAfterRotation's, with a controlled clock), and a message
// sealed after the rotation decodes too: a rotation does not strand the
// denials handed out just before it.
func TestDecodeAuthorizationMessageAcrossRotation(t *testing.T) {
	n := newNode(t)
	reader := n.session(n.role("reader", map[string]string{"read": allowS3Read, "decode": allowDecode}), "s1")
	caller := n.sessionCaller(reader)
	before := n.denial(caller, "s3:PutObject", "arn:aws:s3:::reports/a")
	oldKey := n.app.Keyring.PrimaryKeyID()
	if err := n.app.Keyring.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.app.Keyring.PrimaryKeyID() == oldKey {
		t.Fatal("the rotation kept the primary key")
	}
	after := n.denial(caller, "s3:PutObject", "arn:aws:s3:::reports/b")
	for name, msg := range map[string]string{"sealed before the rotation": before, "sealed after": after} {
		m, err := n.decode(reader, msg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Allowed || m.Context.Action != "s3:PutObject" {
			t.Errorf("%s: decoded %+v", name, m)
		}
	}
}
