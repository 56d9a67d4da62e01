// Package kaggle downloads a competition's raw files from Kaggle's API (competition files,
// download-all) with the user's API token, and unpacks the archive. Start with LoadCredentials and
// Client.Download; errors are typed core.Errors wrapping the sentinels in errors.go.
package kaggle
