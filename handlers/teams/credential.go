package teams

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// certCredential is a parsed certificate credential.
type certCredential struct {
	key          *rsa.PrivateKey
	x5t, x5tS256 string
}

// parseCertCredential parses and checks a certificate and its private key.
// Its errors describe the problem without quoting either.
func parseCertCredential(certPEM, keyPEM []byte) (*certCredential, error) {
	if len(certPEM) == 0 || len(keyPEM) == 0 {
		return nil, errors.New("certificate and private key must be set together")
	}
	cert, err := parseCertificatePEM(certPEM)
	if err != nil {
		return nil, err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("certificate must hold an RSA public key")
	}
	key, err := parseRSAKeyPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	if !pub.Equal(key.Public()) {
		return nil, errors.New("private key does not match the certificate")
	}
	s1 := sha1.Sum(cert.Raw)
	s256 := sha256.Sum256(cert.Raw)
	return &certCredential{
		key:     key,
		x5t:     base64.RawURLEncoding.EncodeToString(s1[:]),
		x5tS256: base64.RawURLEncoding.EncodeToString(s256[:]),
	}, nil
}

func parseCertificatePEM(data []byte) (*x509.Certificate, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("certificate must be a PEM CERTIFICATE block")
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, errors.New("certificate cannot be parsed")
		}
		return cert, nil
	}
}

func parseRSAKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("private key must be a PEM PRIVATE KEY or RSA PRIVATE KEY block")
		}
		switch block.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("private key cannot be parsed as PKCS#8")
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, errors.New("private key must be an RSA key")
			}
			return rk, nil
		case "RSA PRIVATE KEY":
			rk, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("private key cannot be parsed as PKCS#1")
			}
			return rk, nil
		}
	}
}

// clientAssertion returns a JWT signed with the certificate's key, for the
// token endpoint aud, as the Microsoft identity platform expects.
func (cc *certCredential) clientAssertion(appID, aud string, now time.Time) (string, error) {
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	tok, err := jwt.NewBuilder().
		Audience([]string{aud}).
		Issuer(appID).
		Subject(appID).
		JwtID(base64.RawURLEncoding.EncodeToString(jti[:])).
		NotBefore(now).
		IssuedAt(now).
		Expiration(now.Add(assertionLifetime)).
		Build()
	if err != nil {
		return "", err
	}
	tok.Options().Enable(jwt.FlattenAudience) // "aud" as a string, as the identity platform documents it
	hdr := jws.NewHeaders()
	for k, v := range map[string]string{jws.TypeKey: "JWT", jws.X509CertThumbprintKey: cc.x5t, jws.X509CertThumbprintS256Key: cc.x5tS256} {
		if err := hdr.Set(k, v); err != nil {
			return "", err
		}
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256(), cc.key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", err
	}
	return string(signed), nil
}

func validTenant(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}
