"""What the check-in pages and the API do about activities: each use case takes the acting user
and plain values, loads what it needs once, checks permission once, and returns what the caller
shows. `checkins` for members and the door, `sessions` for coordinators' activities and sessions,
`verification` for deciding contributions."""
