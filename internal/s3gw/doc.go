// Package s3gw is the S3 gateway: the front door that lets S3 clients (the
// AWS CLI, the SDKs, minio-go) use credentials issued by stsd against any
// S3-compatible backend, with every request authorized by stsd's
// authorization engine (package authz).
//
// This first file set is the gateway's request classifier. Classify maps
// an incoming S3 REST request — method, path-style or virtual-hosted
// bucket addressing, query subresources, and the headers that imply
// extra permissions — to the S3 API operation it invokes and the IAM
// checks Amazon S3 performs for it: each action, its resource ARN and the
// S3 condition keys the request supplies. The mapping is one literal
// table (table.go), traced line by line to the Service Authorization
// Reference for Amazon S3 and the S3 API Reference's "Permissions"
// sections; docs/s3-gateway.md, "How requests are authorized", lists it
// with its sources.
//
// DeleteObjects names its keys in the request body: ParseDelete reads the
// Delete XML strictly and Operation.DeleteChecks returns the checks for
// each key, so the gateway can forward only the allowed keys.
//
// Anything the table does not name is refused with S3's NotImplemented,
// never guessed: a request the gateway cannot classify exactly is never
// forwarded.
package s3gw
