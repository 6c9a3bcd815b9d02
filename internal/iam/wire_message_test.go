package iam_test

import (
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iamwire"
)

// init gives the package's own tests (wantErr) the messages IAM answers
// its errors with, so they pin the exact text a client sees.
func init() { iam.WireMessage = iamwire.Message }
