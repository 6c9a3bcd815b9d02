// Package policy implements the AWS IAM policy language: a strict parser
// and validator, a request context, and an evaluator that decides exactly as
// AWS IAM does (explicit deny beats allow beats implicit deny; identity
// policies intersected with session policies and a permissions boundary;
// resource and trust policies with principal matching) and explains every
// decision.
//
// The package is a leaf: of stsd it imports only internal/strictjson (the
// strict JSON scanner, itself a leaf). Every input is
// bounded (see limits.go and docs/policy.md) and every matcher runs in time
// linear in its input, so no document or request can make parsing or
// evaluation slow.
package policy
