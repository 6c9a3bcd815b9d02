package s3gw

// The S3 request → IAM authorization table. Read it top to bottom: the
// first row whose method, target, subresources and required header match
// the request names the operation. Every row cites its source:
//
//   [SAR]  Service Authorization Reference, "Actions, resources, and
//          condition keys for Amazon S3" (list_amazons3.html): the API
//          operations table (operation → IAM actions) and the actions
//          table (action → resource type, condition keys).
//   [API]  Amazon S3 API Reference, the operation's own page, section
//          "Permissions" (API_<Operation>.html).
//   [UG]   Amazon S3 User Guide, "Required permissions for Amazon S3 API
//          operations" (using-with-s3-policy-actions.html).
//
// docs/s3-gateway.md ("How requests are authorized") lists the same table
// for readers; TestTableDocumented keeps the two in step.

// target is what a request addresses.
type target uint8

const (
	service target = iota // no bucket: GET / (ListBuckets)
	bucket                // a bucket, empty key
	object                // a bucket and a non-empty key
)

// BodyKind says that a request's body names more resources to authorize.
type BodyKind uint8

const (
	BodyNone BodyKind = iota
	// BodyDelete: the Delete XML of DeleteObjects names the keys
	// (ParseDelete, Operation.DeleteChecks).
	BodyDelete
	// BodyTagging: the Tagging XML of PutObjectTagging carries the tags
	// that s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys describe.
	BodyTagging
)

// operationRule is one row of the table.
type operationRule struct {
	Method string
	Target target
	// Query is the exact set of subresource query parameters, sorted and
	// joined with "&" ("" means none). Parameters that only modify an
	// operation (listing parameters, versionId, response-*, x-id, hoisted
	// x-amz-* headers: see modifierParams) are not subresources; any other
	// parameter is, so an unknown one matches no row.
	Query string
	// Header, when set, must be present (x-amz-copy-source turns PutObject
	// into CopyObject and UploadPart into UploadPartCopy).
	Header string
	Op     string
	// Actions are checked on the target's resource: arn:aws:s3:::* for the
	// service, arn:aws:s3:::bucket, or arn:aws:s3:::bucket/key.
	Actions []string
	// VersionActions replace Actions when the request names ?versionId=;
	// nil means the operation takes no versionId and one is refused.
	VersionActions []string
	// Extras are further actions on the target that a header implies.
	Extras []extra
	// Source and SourceVersion are checked on the copy source (CopyObject,
	// UploadPartCopy); SourceVersion when the source names a versionId.
	Source        []string
	SourceVersion []string
	Body          BodyKind
}

// extra is an action a header implies: checked when the header is present
// (as a header, or as a query parameter of a presigned URL), unless its
// value is Except (compared without case; "false" for boolean headers).
type extra struct {
	Header string // exact header name, or a prefix ending in "-*"
	Action string
	Except string
}

// Header-implied actions shared by the object writes ([API] PutObject,
// CopyObject, CreateMultipartUpload, "Permissions": "To successfully
// change the objects ACL of your PutObject request, you must have the
// s3:PutObjectAcl"; "To successfully set the tag-set with your PutObject
// request, you must have the s3:PutObjectTagging"; object lock headers need
// s3:PutObjectRetention / s3:PutObjectLegalHold — [SAR] API operations
// table, PutObject and CopyObject rows).
var objectWriteExtras = []extra{
	{Header: "x-amz-acl", Action: "s3:PutObjectAcl"},
	{Header: "x-amz-grant-*", Action: "s3:PutObjectAcl"},
	{Header: "x-amz-tagging", Action: "s3:PutObjectTagging"},
	{Header: "x-amz-object-lock-mode", Action: "s3:PutObjectRetention"},
	{Header: "x-amz-object-lock-retain-until-date", Action: "s3:PutObjectRetention"},
	{Header: "x-amz-object-lock-legal-hold", Action: "s3:PutObjectLegalHold"},
}

// Deleting past a governance-mode retention needs s3:BypassGovernanceRetention
// ([API] DeleteObject, DeleteObjects, "x-amz-bypass-governance-retention":
// "To use this header, you must have the s3:BypassGovernanceRetention
// permission").
var bypassGovernance = []extra{
	{Header: "x-amz-bypass-governance-retention", Action: "s3:BypassGovernanceRetention", Except: "false"},
}

var (
	getObject    = []string{"s3:GetObject"}
	getObjectVer = []string{"s3:GetObjectVersion"}
	putObject    = []string{"s3:PutObject"}
	listBucket   = []string{"s3:ListBucket"}
)

// operations is the table.
var operations = []operationRule{
	// ---- service ----
	// [API] ListBuckets: "You must have the s3:ListAllMyBuckets permission";
	// [SAR] ListAllMyBuckets has no resource type (Resource "*", written
	// arn:aws:s3:::* in S3's examples; either matches).
	{Method: "GET", Target: service, Op: "ListBuckets", Actions: []string{"s3:ListAllMyBuckets"}},

	// ---- bucket ----
	// [API] ListObjects, ListObjectsV2: s3:ListBucket; [SAR] ListBucket
	// condition keys s3:prefix, s3:delimiter, s3:max-keys.
	{Method: "GET", Target: bucket, Op: "ListObjects", Actions: listBucket},
	{Method: "GET", Target: bucket, Query: "list-type", Op: "ListObjectsV2", Actions: listBucket},
	// [API] ListObjectVersions: "you must have the s3:ListBucketVersions permission".
	{Method: "GET", Target: bucket, Query: "versions", Op: "ListObjectVersions", Actions: []string{"s3:ListBucketVersions"}},
	// [API] ListMultipartUploads: "s3:ListBucketMultipartUploads".
	{Method: "GET", Target: bucket, Query: "uploads", Op: "ListMultipartUploads", Actions: []string{"s3:ListBucketMultipartUploads"}},
	// [API] HeadBucket: "you must have permissions to perform the s3:ListBucket action".
	{Method: "HEAD", Target: bucket, Op: "HeadBucket", Actions: listBucket},
	// [API] GetBucketLocation: s3:GetBucketLocation ([SAR] resource: bucket).
	{Method: "GET", Target: bucket, Query: "location", Op: "GetBucketLocation", Actions: []string{"s3:GetBucketLocation"}},
	// [API] GetBucketVersioning: s3:GetBucketVersioning.
	{Method: "GET", Target: bucket, Query: "versioning", Op: "GetBucketVersioning", Actions: []string{"s3:GetBucketVersioning"}},
	// [API] GetBucketAcl: s3:GetBucketAcl.
	{Method: "GET", Target: bucket, Query: "acl", Op: "GetBucketAcl", Actions: []string{"s3:GetBucketAcl"}},
	// [API] GetBucketTagging: s3:GetBucketTagging.
	{Method: "GET", Target: bucket, Query: "tagging", Op: "GetBucketTagging", Actions: []string{"s3:GetBucketTagging"}},
	// [API] GetBucketPolicy / PutBucketPolicy / DeleteBucketPolicy: the
	// action of the same name. The gateway answers these itself (issue 11).
	{Method: "GET", Target: bucket, Query: "policy", Op: "GetBucketPolicy", Actions: []string{"s3:GetBucketPolicy"}},
	{Method: "PUT", Target: bucket, Query: "policy", Op: "PutBucketPolicy", Actions: []string{"s3:PutBucketPolicy"}},
	{Method: "DELETE", Target: bucket, Query: "policy", Op: "DeleteBucketPolicy", Actions: []string{"s3:DeleteBucketPolicy"}},
	// [API] GetBucketPolicyStatus: s3:GetBucketPolicyStatus.
	{Method: "GET", Target: bucket, Query: "policyStatus", Op: "GetBucketPolicyStatus", Actions: []string{"s3:GetBucketPolicyStatus"}},
	// [API] CreateBucket, "Permissions": s3:CreateBucket; with ACL headers
	// also s3:PutBucketAcl; with x-amz-bucket-object-lock-enabled also
	// s3:PutBucketObjectLockConfiguration and s3:PutBucketVersioning; with
	// x-amz-object-ownership also s3:PutBucketOwnershipControls.
	{Method: "PUT", Target: bucket, Op: "CreateBucket", Actions: []string{"s3:CreateBucket"}, Extras: []extra{
		{Header: "x-amz-acl", Action: "s3:PutBucketAcl"},
		{Header: "x-amz-grant-*", Action: "s3:PutBucketAcl"},
		{Header: "x-amz-bucket-object-lock-enabled", Action: "s3:PutBucketObjectLockConfiguration", Except: "false"},
		{Header: "x-amz-bucket-object-lock-enabled", Action: "s3:PutBucketVersioning", Except: "false"},
		{Header: "x-amz-object-ownership", Action: "s3:PutBucketOwnershipControls"},
	}},
	// [API] DeleteBucket: s3:DeleteBucket.
	{Method: "DELETE", Target: bucket, Op: "DeleteBucket", Actions: []string{"s3:DeleteBucket"}},
	// [API] DeleteObjects: "s3:DeleteObject ... s3:DeleteObjectVersion"
	// for each key (with a VersionId) — checked per key from the body.
	{Method: "POST", Target: bucket, Query: "delete", Op: "DeleteObjects", Extras: bypassGovernance, Body: BodyDelete},

	// ---- object ----
	// [API] GetObject: "you must have the s3:GetObject permission ... If
	// you include a versionId in your request header, you must have the
	// s3:GetObjectVersion permission". partNumber selects a part.
	{Method: "GET", Target: object, Op: "GetObject", Actions: getObject, VersionActions: getObjectVer},
	{Method: "GET", Target: object, Query: "partNumber", Op: "GetObject", Actions: getObject, VersionActions: getObjectVer},
	// [API] HeadObject: "you must have the s3:GetObject permission"
	// (s3:GetObjectVersion for a versionId, [SAR] HeadObject row).
	{Method: "HEAD", Target: object, Op: "HeadObject", Actions: getObject, VersionActions: getObjectVer},
	{Method: "HEAD", Target: object, Query: "partNumber", Op: "HeadObject", Actions: getObject, VersionActions: getObjectVer},
	// [API] CopyObject: "s3:GetObject permission to read the source object
	// ... s3:GetObjectVersion ... when the source names a version;
	// s3:PutObject permission to write the object copy to the destination"
	// plus the ACL and tagging headers of PutObject.
	{Method: "PUT", Target: object, Header: "x-amz-copy-source", Op: "CopyObject", Actions: putObject,
		Extras: objectWriteExtras, Source: getObject, SourceVersion: getObjectVer},
	// [API] PutObject: s3:PutObject, plus header-implied actions.
	{Method: "PUT", Target: object, Op: "PutObject", Actions: putObject, Extras: objectWriteExtras},
	// [API] DeleteObject: s3:DeleteObject; "To remove a specific version,
	// you must have the s3:DeleteObjectVersion permission".
	{Method: "DELETE", Target: object, Op: "DeleteObject", Actions: []string{"s3:DeleteObject"},
		VersionActions: []string{"s3:DeleteObjectVersion"}, Extras: bypassGovernance},
	// [API] CreateMultipartUpload: s3:PutObject, with the ACL, tagging and
	// object lock headers of PutObject.
	{Method: "POST", Target: object, Query: "uploads", Op: "CreateMultipartUpload", Actions: putObject, Extras: objectWriteExtras},
	// [API] UploadPartCopy: s3:PutObject on the destination, s3:GetObject
	// (s3:GetObjectVersion) on the source.
	{Method: "PUT", Target: object, Query: "partNumber&uploadId", Header: "x-amz-copy-source", Op: "UploadPartCopy",
		Actions: putObject, Source: getObject, SourceVersion: getObjectVer},
	// [API] UploadPart, CompleteMultipartUpload: s3:PutObject.
	{Method: "PUT", Target: object, Query: "partNumber&uploadId", Op: "UploadPart", Actions: putObject},
	{Method: "POST", Target: object, Query: "uploadId", Op: "CompleteMultipartUpload", Actions: putObject},
	// [API] AbortMultipartUpload: s3:AbortMultipartUpload.
	{Method: "DELETE", Target: object, Query: "uploadId", Op: "AbortMultipartUpload", Actions: []string{"s3:AbortMultipartUpload"}},
	// [API] ListParts: s3:ListMultipartUploadParts.
	{Method: "GET", Target: object, Query: "uploadId", Op: "ListParts", Actions: []string{"s3:ListMultipartUploadParts"}},
	// [API] GetObjectTagging / PutObjectTagging / DeleteObjectTagging: the
	// action of the same name; the Version… action for a versionId.
	{Method: "GET", Target: object, Query: "tagging", Op: "GetObjectTagging",
		Actions: []string{"s3:GetObjectTagging"}, VersionActions: []string{"s3:GetObjectVersionTagging"}},
	{Method: "PUT", Target: object, Query: "tagging", Op: "PutObjectTagging",
		Actions: []string{"s3:PutObjectTagging"}, VersionActions: []string{"s3:PutObjectVersionTagging"}, Body: BodyTagging},
	{Method: "DELETE", Target: object, Query: "tagging", Op: "DeleteObjectTagging",
		Actions: []string{"s3:DeleteObjectTagging"}, VersionActions: []string{"s3:DeleteObjectVersionTagging"}},
	// [API] GetObjectAcl / PutObjectAcl: s3:GetObjectAcl / s3:PutObjectAcl;
	// s3:GetObjectVersionAcl / s3:PutObjectVersionAcl for a versionId.
	{Method: "GET", Target: object, Query: "acl", Op: "GetObjectAcl",
		Actions: []string{"s3:GetObjectAcl"}, VersionActions: []string{"s3:GetObjectVersionAcl"}},
	{Method: "PUT", Target: object, Query: "acl", Op: "PutObjectAcl",
		Actions: []string{"s3:PutObjectAcl"}, VersionActions: []string{"s3:PutObjectVersionAcl"}},
}

// actionKeys lists, per action, the S3 condition keys the gateway supplies
// on that action's check ([SAR] actions table, "Condition keys" column,
// restricted to the keys a request itself carries). A name ending in "/"
// is a family (s3:RequestObjectTag/<key>). The keys every S3 action takes
// — s3:authType, s3:signatureversion, s3:signatureAge, s3:TlsVersion,
// s3:x-amz-content-sha256 — are request-wide (Operation.Keys).
var actionKeys = map[string][]string{
	"s3:ListBucket":                 {keyPrefix, keyDelimiter, keyMaxKeys},
	"s3:ListBucketVersions":         {keyPrefix, keyDelimiter, keyMaxKeys},
	"s3:GetObjectVersion":           {keyVersionID},
	"s3:GetObjectVersionTagging":    {keyVersionID},
	"s3:GetObjectVersionAcl":        {keyVersionID},
	"s3:DeleteObjectVersion":        {keyVersionID},
	"s3:DeleteObjectVersionTagging": {keyVersionID},
	"s3:PutObjectVersionTagging":    {keyVersionID, keyRequestObjectTag, keyRequestObjectTagKeys},
	"s3:PutObjectTagging":           {keyRequestObjectTag, keyRequestObjectTagKeys},
	"s3:PutObjectVersionAcl":        append([]string{keyVersionID, keyACL}, grantKeys...),
	"s3:PutObjectAcl":               append([]string{keyACL}, grantKeys...),
	"s3:PutObject": append([]string{keyACL, keyCopySource, keyMetadataDirective,
		keySSE, keySSEKMSKeyID, keyStorageClass, keyWebsiteRedirect,
		keyRequestObjectTag, keyRequestObjectTagKeys,
		keyLockMode, keyLockRetainUntil, keyLockLegalHold}, grantKeys...),
	"s3:PutObjectRetention": {keyLockMode, keyLockRetainUntil},
	"s3:PutObjectLegalHold": {keyLockLegalHold},
	"s3:CreateBucket":       append([]string{keyACL, keyObjectOwnership}, bucketGrantKeys...),
	"s3:PutBucketAcl":       append([]string{keyACL}, bucketGrantKeys...),
}
