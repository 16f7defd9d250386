# CertBridge — 한국어 메시지.
#
# 여기의 모든 id는 ../en/certbridge.ftl에도 같은 변수로 있어야 합니다(테스트가
# 확인합니다). 문체는 "-해 주세요", 용어는 공동인증서·인증번호로 통일합니다.
# 변수 뒤에 조사를 붙이지 않도록 문장을 씁니다(이름에 따라 은/는이 달라지므로).

## 날짜, 시각, 경로

date-time = { $year }년 { $month }월 { $day }일 { $ampm ->
        [pm] 오후
       *[am] 오전
    } { $hour }:{ $minute }
date = { $year }년 { $month }월 { $day }일
time-unknown = 알 수 없는 시각
path-lan = 같은 네트워크, { $address }
path-relay = 중계 서버 { $url } 경유, 종단간 암호화
device-phone = 휴대폰
device-computer = 상대 PC

## 코드 보여 주기 (PC)

invite-direction-send = 이 PC의 공동인증서를 휴대폰으로 복사합니다.
invite-direction-receive = 휴대폰의 공동인증서를 이 PC로 복사합니다.
invite-scan = 휴대폰의 CertBridge 앱으로 이 QR 코드를 스캔해 주세요.
invite-text-intro = 다른 PC에서는 이 코드를 “certbridge scan”에 붙여 넣어 주세요:
invite-scan-or-type = 휴대폰의 CertBridge 앱으로 이 QR 코드를 스캔하거나 아래 코드를 입력해 주세요.
invite-code-until = 코드 { $code } · { $until }까지 유효합니다.
invite-code-renewed = 이전 코드로 연결하지 못해 새 코드를 만들었습니다: { $code }
code-spoken = 코드: { $spoken }
invite-valid-until = 코드는 { $until }까지 유효합니다.
invite-renewed = 코드의 유효 시간이 지나 새 코드를 만들었습니다.
waiting-for-phone = 휴대폰의 연결을 기다리는 중입니다…
qr-written = QR 코드를 파일로도 저장했습니다: { $path }

## 연결

connecting = PC에 연결하는 중입니다…
connected = “{ $peer }”에 연결되었습니다 ({ $path }).

## 인증번호

number-show = 인증번호: { $number }
number-type-it = 코드를 띄운 PC에 이 인증번호를 입력해 주세요.
number-never-share = 은행 직원을 포함해 누구도 이 인증번호를 묻지 않습니다. 알려 주지 마세요.
enter-number = { $device ->
        [phone] 휴대폰에
       *[computer] 상대 PC에
    } 표시된 인증번호 6자리를 입력해 주세요:
number-wrong = 인증번호가 맞지 않습니다. { $left }번 더 입력할 수 있습니다.
number-malformed = 인증번호 6자리를 숫자로 입력해 주세요.

## 보내기 동의 (PC가 받을 때 보내는 쪽)

consent-intro = “{ $peer }”({ $path })에서 공동인증서 { $count }개를 요청합니다:
consent-item = • { $name }
consent-question = “{ $peer }” 기기가 본인의 PC일 때만 보내 주세요. 보낼까요? [y/N]
cancel-hint = 취소하려면 Ctrl-C를 눌러 주세요.

## 옮기는 중

sending = 공동인증서 { $count }개를 보내는 중입니다 ({ $bytes }바이트)…
received-installing = 공동인증서 { $count }개를 받았습니다. 설치하는 중입니다…
waiting-for-receipt = 상대 기기에서 공동인증서 { $count }개를 저장하기를 기다리는 중입니다…
waiting-for-bundle = 인증번호가 확인되었습니다. 공동인증서를 기다리는 중입니다…

## 결과

result-sent-installed = ✔ “{ $peer }”에 설치되었습니다: { $name }
result-sent-duplicate = ✔ “{ $peer }”에 이미 있어 그대로 두었습니다: { $name }
result-sent-rejected = ✘ “{ $peer }”에 설치되지 않았습니다: { $name }. { $reason }
result-installed = ✔ 설치했습니다: { $name } ({ $folder })
result-replaced = ✔ 설치했습니다: { $name } ({ $folder }). 원래 있던 공동인증서는 { $backup }에 보관했습니다.
result-duplicate = ✔ 이미 설치되어 있어 그대로 두었습니다: { $name } ({ $folder })
result-rejected = ✘ 설치하지 못했습니다: { $name }. { $reason }
done = 완료되었습니다.
some-rejected = 공동인증서 { $total }개 중 { $rejected }개를 설치하지 못했습니다.

## 옮기기 (--move): 받은 쪽이 확인하면 이 PC의 사본을 지웁니다

move-notice = 옮기기: 상대 기기가 그대로 받았다고 확인하면 이 PC에서 지웁니다.
result-removed-here = ✔ 이 PC에서 지웠습니다: { $name }
result-not-removed = 이 PC에서 지우지 못했습니다: { $name }. 직접 지워 주세요.
err-not-removed = 공동인증서는 옮겨졌지만 { $count }개를 이 PC에서 지우지 못했습니다. 직접 지워 주세요.

## 받는 쪽이 공동인증서를 거절한 이유 (보내는 쪽에 표시)

reject-conflict-remote = 상대 기기에 이름이 같은 다른 공동인증서가 이미 있습니다. 바꾸려면 상대 기기에서 --replace를 붙여 다시 받거나(기존 인증서는 백업됩니다), 상대 기기에서 기존 인증서를 먼저 지워 주세요.
reject-conflict-local = 이름이 같은 다른 공동인증서가 이미 있습니다: { $folder }. 바꾸려면 --replace를 붙여 다시 받아 주세요(기존 인증서는 백업됩니다).
reject-invalid = 올바른 공동인증서 파일이 아닙니다.
reject-unsupported = 상대 기기에서 이 종류의 인증서를 설치할 수 없습니다. 상대 기기의 CertBridge를 업데이트해 주세요.
reject-other = 상대 기기의 메시지: “{ $reason }”

## 전송이 실패한 이유

err-invite-expired = 이 코드는 유효 시간이 지났습니다. PC에 새 코드를 띄운 뒤 다시 스캔해 주세요.
err-invite-damaged = 코드가 잘못 복사되었습니다. 코드 전체를 다시 복사하거나 QR 코드를 스캔해 주세요.
err-invite-not-certbridge = CertBridge 코드가 아닙니다. CertBridge 코드는 CERTBRIDGE:/로 시작합니다.
err-invite-version = 다른 버전의 CertBridge에서 만든 코드입니다. 두 기기의 CertBridge를 모두 업데이트해 주세요.
err-invite-old-format = 이전 버전의 CertBridge에서 만든 코드입니다. 코드를 띄운 PC의 CertBridge를 업데이트한 뒤 새 코드를 만들어 주세요.
err-no-one-came = 코드의 유효 시간이 지날 때까지 연결한 기기가 없습니다. 다시 시작해 새 코드를 받아 주세요.
err-nothing-to-send = 보낼 공동인증서가 없습니다.
err-no-address = 이 PC가 네트워크에 연결되어 있지 않습니다. Wi-Fi나 유선 네트워크에 연결하거나 --relay로 중계 서버를 지정해 주세요.
err-listen = 이 PC의 { $address } 주소로는 연결을 받을 수 없습니다. --listen으로 다른 주소를 지정해 주세요.
err-no-path = 연결할 방법이 없습니다. --no-lan을 쓸 때는 --relay로 중계 서버를 지정해 주세요.
err-relay-unreachable = 중계 서버 { $url }에 연결할 수 없습니다. 주소와 이 PC의 인터넷 연결을 확인해 주세요.
err-relay-busy = 중계 서버 { $url }에 요청이 너무 많거나 서버가 바쁩니다. 1분쯤 기다린 뒤 다시 시도해 주세요.
err-relay-insecure = 중계 서버 { $url } 주소는 자체 암호화가 없고(ws://) 이 PC나 사설 네트워크에 있지 않습니다. wss:// 주소를 쓰거나 --allow-insecure-relay를 붙여 주세요.
err-too-many-items = 공동인증서 { $count }개는 한 번에 보낼 수 있는 수({ $max }개)보다 많습니다. 여러 번에 나눠 보내 주세요.
err-unreachable = PC에 연결할 수 없습니다. 두 기기가 같은 Wi-Fi에 연결되어 있는지 확인해 주세요.
err-wrong-code = 코드가 맞지 않습니다. PC에 새로 표시된 코드를 입력해 주세요.
err-no-desktop-for-code = 이 코드를 띄운 PC를 찾지 못했습니다. 코드를 다시 확인해 주세요. 두 기기가 같은 Wi-Fi에 있지 않다면 같은 중계 서버를 쓰는지 확인해 주세요.
err-code-malformed = 코드는 123-456-789처럼 숫자 9~12자리입니다.
err-refused = PC가 연결을 거절했습니다. 이 코드는 이미 다른 기기가 사용했습니다. PC에 새 코드를 띄운 뒤 다시 스캔해 주세요.
err-handshake = 보안 연결을 만들지 못했습니다. 코드를 다시 스캔해 주세요.
err-code-mismatch = 인증번호를 3번 잘못 입력해 전송을 멈췄습니다. 아무것도 보내지 않았습니다. 처음부터 다시 시작해 주세요.
err-peer-cancelled = 상대 기기에서 전송을 취소했습니다.
err-peer-code-mismatch = 상대 PC에서 인증번호를 3번 잘못 입력해 전송이 멈췄습니다. 아무것도 보내지 않았습니다.
err-peer-declined = 상대 기기에서 보내지 않기로 했습니다.
err-peer-timeout = 상대 기기가 기다리다 전송을 멈췄습니다.
err-peer-save-failed = 상대 기기에서 공동인증서를 저장하지 못했습니다.
err-peer-protocol = 상대 기기에서 전송 중 오류를 알려 왔습니다. 두 기기의 CertBridge를 모두 업데이트해 주세요.
err-peer-other = 상대 기기에서 전송을 멈췄습니다: “{ $reason }”
err-declined = 보내지 않기로 했습니다. 아무것도 보내지 않았습니다.
err-cancelled = 전송을 취소했습니다.
err-disconnected = 상대 기기와의 연결이 끊겼습니다. 이번 전송으로는 아무것도 설치되지 않았습니다.
err-disconnected-after-sending = 공동인증서를 보낸 뒤 상대 기기와의 연결이 끊겼습니다. 상대 기기에 설치되었는지 확인해 주세요.
err-tampered = 연결이 변조되어 전송을 멈췄습니다. 아무것도 설치하지 않았습니다.
err-protocol = 상대 기기가 이 버전에서 이해할 수 없는 데이터를 보냈습니다. 두 기기의 CertBridge를 모두 업데이트해 주세요.
err-timeout = { $seconds }초 동안 아무 일도 없어 전송을 멈췄습니다.
err-timeout-waiting = 상대 기기가 제때 응답하지 않아 전송을 멈췄습니다.
err-receipt-mismatch = 상대 기기가 받은 파일이 보낸 파일과 다릅니다. 상대 기기의 공동인증서를 확인해 주세요.
err-load-failed = 보낼 공동인증서를 읽지 못했습니다. 인증서 폴더가 그대로 있고 읽을 수 있는지 확인해 주세요.
err-save-failed = 공동인증서를 저장하지 못했습니다. 저장 공간과 폴더 권한을 확인해 주세요.
err-internal = CertBridge 내부에서 문제가 생겼습니다. CERTBRIDGE_LOG=debug를 붙여 다시 실행하면 자세한 내용을 볼 수 있습니다.
err-usage = { $what } 사용법은 “certbridge --help”로 확인해 주세요.

## 공동인증서 폴더와 파일

err-not-a-folder = 폴더가 아니거나 없습니다: { $path }
err-no-certificate-here = 공동인증서가 없는 폴더입니다(signCert.der와 signPri.key가 없음): { $path }
err-missing-file = { $file } 파일이 없습니다: { $folder }. 공동인증서 폴더에는 signCert.der와 signPri.key가 있어야 합니다.
err-half-km-pair = kmCert.der와 kmPri.key 중 하나만 있습니다: { $folder }. 둘 다 있거나 둘 다 없어야 합니다.
err-bad-size = 파일이 비어 있거나 너무 커서 인증서 파일일 수 없습니다: { $file }
err-bad-certificate = 파일이 손상되었거나 인증서 파일이 아닙니다: { $file }
err-bad-key = 파일이 손상되었거나 암호화된 공동인증서 개인키 파일이 아닙니다: { $file }
err-unsupported-key = CertBridge가 모르는 방식으로 암호화된 개인키 파일입니다: { $file }
err-key-mismatch = 개인키가 인증서와 맞지 않습니다: { $folder }. 폴더의 파일이 섞였는지 확인해 주세요.
err-read-file = 파일을 읽지 못했습니다: { $path }
err-write-file = 파일을 쓰지 못했습니다: { $path }. 저장 공간과 폴더 권한을 확인해 주세요.
err-wrong-password = 암호가 맞지 않습니다. Caps Lock이 꺼져 있는지, 한/영 키가 영문으로 되어 있는지 확인해 주세요.
err-no-randomness = 이 PC에서 키를 보호할 난수를 만들지 못했습니다. 아무것도 바꾸지 않았습니다.
err-conflict = 이름이 같은 다른 공동인증서가 이미 있습니다: { $folder }. 바꾸려면 --replace를 붙여 주세요(기존 인증서는 백업됩니다).
err-expired-certificate = { $name } 공동인증서는 { $date }에 만료되어 은행에서 사용할 수 없습니다. 갱신하거나, 그래도 옮기려면 --allow-expired를 붙여 주세요.
warn-expired-certificate = { $name } 공동인증서는 { $date }에 만료되었습니다.
warn-expiring-certificate = { $name } 공동인증서는 { $days }일 뒤에 만료됩니다. 곧 갱신해 주세요.
folder-choose-intro = 이 폴더에 공동인증서가 { $count }개 있습니다: { $path }
folder-choose-item = { $n }. { $name } ({ $ca }, { $usage }, { $until }까지)
folder-choose-question = 보낼 공동인증서의 번호를 입력해 주세요(예: 1 또는 1,3, 모두 보내려면 all):
folder-choose-invalid = 목록에 있는 번호를 쉼표로 구분해 입력하거나 all을 입력해 주세요.
err-folder-ambiguous = 이 폴더에는 공동인증서가 여러 개 있습니다: { $path }. 보낼 공동인증서의 폴더를 지정해 주세요: { $folders }

## 암호

password-prompt = 공동인증서 암호를 입력해 주세요:
password-prompt-for = { $name } 공동인증서의 암호를 입력해 주세요:
password-current-prompt = 현재 암호를 입력해 주세요:
password-new-prompt = 새 암호를 입력해 주세요:
password-again-prompt = 새 암호를 한 번 더 입력해 주세요:
password-right = 암호가 맞습니다.
password-changed = 암호를 바꿨습니다.
err-passwords-differ = 두 번 입력한 새 암호가 다릅니다. 아무것도 바꾸지 않았습니다.
err-password-empty = 새 암호가 비어 있습니다. 아무것도 바꾸지 않았습니다.
warn-weak-password = 약한 암호입니다. 은행에서는 보통 영문, 숫자, 특수문자를 섞은 10자 이상의 암호를 요구합니다. 이 암호로 계속 진행합니다.
err-read-password = 터미널에서 암호를 읽지 못했습니다.

## PKCS#12 파일

pfx-password-prompt = PKCS#12 파일의 암호를 입력해 주세요:
pfx-exported = { $name } 공동인증서를 저장했습니다: { $path } ({ $scheme })
pfx-scheme-modern = AES-256, PBKDF2
pfx-scheme-legacy = 3DES, SHA-1, 이전 프로그램용
pfx-same-password = 파일은 공동인증서 암호와 같은 암호로 보호됩니다.
pfx-imported = { $name } 공동인증서를 설치했습니다: { $folder }
pfx-imported-replaced = { $name } 공동인증서를 설치했습니다: { $folder }. 원래 있던 공동인증서는 { $backup }에 보관했습니다.
pfx-already-installed = { $name } 공동인증서가 이미 설치되어 있어 아무것도 바꾸지 않았습니다: { $folder }
pfx-password-is-file-password = 공동인증서 암호는 파일 암호와 같습니다.
warn-pfx-no-random = 키에 R(randomNum)이 없습니다. 서명은 되지만 은행의 본인확인이 실패할 수 있습니다.
note-pfx-km-left-out = 키 관리용 인증서(kmCert.der, kmPri.key)는 PKCS#12 파일에 들어가지 않습니다.
err-pfx-damaged = 파일이 손상되었거나 PKCS#12 파일이 아닙니다: { $path }
err-pfx-too-large = 인증서 파일이라기에는 너무 큰 파일입니다: { $path }
err-pfx-unsupported = CertBridge가 모르는 방식으로 보호된 파일입니다: { $path }
err-pfx-contents = 인증서 하나와 그 RSA 개인키가 들어 있는 파일이 아닙니다: { $path }
err-file-exists = 이미 있는 파일입니다: { $path }. 다른 이름을 고르거나, 덮어쓰려면 --force를 붙여 주세요.

## QR 코드 그림

err-image-unreadable = 그림 파일을 열 수 없습니다: { $path }
err-image-no-qr = 그림에서 QR 코드를 찾지 못했습니다: { $path }
err-image-qr-unreadable = 그림의 QR 코드를 읽지 못했습니다: { $path }. 더 선명한 그림으로 다시 시도해 주세요.

## 목록과 자세히 보기

list-none = 공동인증서를 찾지 못했습니다. 찾아본 곳:
list-root = • { $path }
list-broken = 읽을 수 없는 폴더가 있습니다: { $folder }. { $why }
status-valid = 유효, { $days }일 남음
status-expiring = 곧 만료, { $days }일 남음. 갱신해 주세요
status-expired = 만료됨, { $days }일 지남
field-issuer = 발급자
field-usage = 용도
field-valid = 유효기간
field-status = 상태
field-serial = 일련번호
field-key = 키
field-subject = 주체
field-folder = 폴더
field-kind = 종류
valid-range = { $from } ~ { $to }
key-description = { $algorithm } { $bits }비트
key-with-km = { $algorithm } { $bits }비트, 키 관리용 인증서 포함
kind-npki = 공동인증서 (NPKI)
kind-gpki = 행정전자서명 인증서 (GPKI)
kind-epki = 교육 전자서명 인증서 (EPKI)
field-id = 사용자 ID

## 명령줄 도움말

help-about = 공동인증서를 PC와 휴대폰 사이, 또는 PC와 PC 사이에서 종단간 암호화로 옮깁니다.
help-send = 보내기: 코드를 띄우고, 코드를 스캔한 휴대폰으로 공동인증서를 보냅니다.
help-receive = 가져오기: 코드를 띄우고, 휴대폰이 보내는 공동인증서를 설치합니다.
help-scan = 휴대폰 역할: 다른 PC의 코드를 읽고 공동인증서를 받거나 보냅니다.
help-inspect = 공동인증서 폴더의 내용을 보여 줍니다.
help-list = 이 PC에 있는 공동인증서를 모두 보여 줍니다.
help-check-password = 공동인증서 암호를 확인합니다(맞으면 종료 코드 0, 틀리면 3, 그 밖의 오류는 1).
help-passwd = 공동인증서 암호를 바꿉니다(키와 R은 그대로입니다).
help-export-pfx = 공동인증서를 R을 포함한 PKCS#12 파일(.pfx/.p12)로 저장합니다.
help-import-pfx = PKCS#12 파일(.pfx/.p12)을 공동인증서 폴더로 설치합니다.
help-lang = 메시지 언어: ko 또는 en [기본값: 시스템 설정]
err-usage-clap = 명령을 이해하지 못했습니다.

## Window
# 데스크톱 창(certbridge gui)의 문구입니다. 명령줄 옵션(--relay 등)을
# 말하지 않고 창의 설정과 버튼을 가리킵니다.

help-gui = 창을 엽니다(바탕 화면의 실행 아이콘이 여는 화면입니다).
gui-title = CertBridge — 공동인증서 옮기기
gui-err-no-window = 창을 열 수 없습니다. 화면이 있는 곳에서 실행하거나, 명령줄에서는 “certbridge --help”를 참고해 주세요.
gui-nav-certs = 내 인증서
gui-nav-export = 휴대폰으로 보내기
gui-nav-import = 휴대폰에서 가져오기
gui-nav-pc = PC끼리
gui-nav-settings = 설정
gui-nav-about = 정보
gui-nav-transfer-running = 전송이 진행 중입니다.
gui-busy = 다른 전송이 진행 중입니다. 한 번에 하나씩만 옮길 수 있습니다.
gui-busy-show = 진행 중인 전송 보기
gui-back = 처음으로
gui-cancel = 전송 취소
gui-retry = 다시 시도
gui-again = 처음으로 돌아가기
gui-save = 저장
gui-refresh = 목록 새로 고침

gui-certs-title = 내 인증서
gui-certs-pick = 공동인증서를 고르면 자세한 내용과 할 수 있는 일이 표시됩니다.
gui-cert-line = { $name } · { $ca } · { $usage } · { $until }까지
gui-no-certs = 이 PC에서 공동인증서를 찾지 못했습니다. 휴대폰에서 가져오거나 PFX 파일을 가져와 주세요.
gui-action-check = 암호 확인
gui-action-change = 암호 변경
gui-action-export-pfx = PFX 파일로 저장
gui-action-send = 휴대폰으로 보내기
gui-action-delete = 삭제
gui-action-import-pfx = PFX 파일 가져오기
gui-check = 확인
gui-change = 암호 바꾸기
gui-pfx-path = 저장할 파일
gui-pfx-legacy = 이전 프로그램용 형식으로 저장(3DES, SHA-1)
gui-delete-question = { $name } 공동인증서를 휴지통으로 옮깁니다. 휴지통에서 되살릴 수 있습니다.
gui-delete-confirm = 휴지통으로 옮기기
gui-deleted = { $name } 공동인증서를 휴지통으로 옮겼습니다.
gui-err-delete = 휴지통으로 옮기지 못했습니다: { $folder }. 폴더 권한을 확인해 주세요.
gui-import-pfx-title = PFX 파일 가져오기
gui-import-pfx-path = PFX 파일(.pfx, .p12) 위치 — 파일을 창에 끌어다 놓아도 됩니다
gui-pfx-replace = 이름이 같은 다른 공동인증서가 있으면 백업하고 바꾸기
gui-import-pfx-go = 가져오기

gui-export-title = 휴대폰으로 보내기
gui-export-intro = 보낼 공동인증서를 고른 뒤 QR 코드를 만들어 주세요. 휴대폰의 CertBridge 앱으로 QR 코드를 스캔하면 휴대폰에 인증번호가 표시됩니다.
gui-export-pick-first = 보낼 공동인증서를 하나 이상 골라 주세요.
gui-expired-hint = 만료된 공동인증서는 은행에서 쓸 수 없습니다. 그래도 옮기려면 아래 상자를 선택해 주세요.
gui-allow-expired = 만료된 공동인증서도 보내기
gui-move = 보낸 뒤 이 PC에서 지우기
gui-make-code = QR 코드 만들기

gui-import-title = 휴대폰에서 가져오기
gui-import-intro = QR 코드를 만든 뒤 휴대폰의 CertBridge 앱으로 스캔해 주세요. 휴대폰에서 보낼 공동인증서를 고르고 이 PC로 보내는 데 동의하면 인증번호가 표시됩니다.
gui-install-to = 설치할 곳: { $path }
gui-err-no-install-root = 공동인증서를 설치할 폴더를 알 수 없습니다. 설정에서 설치할 폴더를 지정해 주세요.

gui-pc-title = PC끼리
gui-pc-intro = 다른 PC의 CertBridge 창에 표시된 코드(123-456-789 같은 숫자, 또는 글자로 된 코드)를 입력하거나 붙여 넣거나, QR 코드 그림 파일을 열어 주세요. 이 PC가 휴대폰 역할을 합니다.
gui-pc-code-label = 다른 PC의 코드(123-456-789 같은 숫자, 또는 CERTBRIDGE:/로 시작하는 글자)
gui-pc-image-label = QR 코드 그림 파일(PNG, JPEG) 위치 — 파일을 창에 끌어다 놓아도 됩니다
gui-pc-open-image = 그림 열기
gui-pc-connect = 연결
gui-pc-pick = 다른 PC가 공동인증서를 받으려고 합니다. 보낼 공동인증서를 골라 주세요.
gui-pc-pick-code = 다른 PC가 공동인증서를 받는 쪽이면 보낼 공동인증서를 골라 주세요. 다른 PC가 보내는 쪽이면 고르지 않고 연결해도 됩니다.
gui-pc-send = 고른 공동인증서 보내기

gui-starting = 코드를 만드는 중입니다…
gui-qr-label = 휴대폰으로 스캔할 QR 코드
gui-code-left = 코드 남은 시간: { $minutes }분 { $seconds }초
gui-code-typed = 입력할 코드
gui-new-code = 새 코드 만들기 (F5)
gui-qr-larger = QR 코드 크게
gui-qr-smaller = QR 코드 작게
gui-code-expired = 코드의 유효 시간이 지났습니다. 새 코드를 만들면 처음부터 다시 스캔할 수 있습니다.
gui-code-text-title = 다른 PC로 옮길 때: 글자로 된 코드
gui-code-text-intro = 다른 PC의 CertBridge 창에서 “PC끼리”를 열고 이 코드를 붙여 넣어 주세요.
gui-code-text-label = 글자로 된 코드
gui-copy-code = 코드 복사
gui-number-title = 인증번호 입력
gui-show-number-title = 인증번호
gui-consent-title = 보내기 동의
gui-number-after-consent = 휴대폰에서 보내기에 동의하면 휴대폰에 인증번호 6자리가 표시됩니다.
gui-number-ok = 확인
gui-attempts-left = 인증번호는 { $left }번 더 입력할 수 있습니다.
gui-wait-left = 입력을 기다리는 시간: { $minutes }분 { $seconds }초
gui-wait-more = 시간 연장
gui-wait-over = 인증번호를 기다리는 시간이 지나 전송을 멈췄습니다. 아무것도 옮기지 않았습니다. 다시 시도해 주세요.
gui-consent-question = “{ $peer }” 기기가 본인의 PC일 때만 보내 주세요. 보낼까요?
gui-consent-yes = 보내기
gui-consent-no = 보내지 않기
gui-number-type-it = 코드를 띄운 PC에 이 인증번호를 입력해 주세요.
gui-working = 상대 기기의 응답을 기다리는 중입니다…
gui-waiting-for-phone = 인증번호가 확인되었습니다. 휴대폰에서 공동인증서를 보내기를 기다리는 중입니다…
gui-working-note = 상대 기기가 30초 안에 응답하지 않으면 전송을 멈추고 알려 드립니다.
gui-done-title = 완료되었습니다
gui-done-path = 연결: { $path }
gui-check-now = { $name } 공동인증서의 암호 확인
gui-replace-offer = 이름이 같은 다른 공동인증서가 이미 있어 설치하지 않은 공동인증서가 있습니다. 기존 공동인증서를 백업하고 바꾸려면 다시 받아 주세요.
gui-replace-retry = 기존 공동인증서를 백업하고 다시 받기
gui-failed-title = 전송하지 못했습니다

gui-close-title = 전송이 진행 중입니다
gui-close-question = 창을 닫으면 전송을 취소하고 상대 기기에도 알립니다. 창을 닫을까요?
gui-close-keep = 계속 진행
gui-close-confirm = 전송 취소하고 닫기

gui-settings-title = 설정
gui-settings-language = 언어
gui-settings-language-system = 시스템 설정 따르기
gui-settings-relay = 중계 서버 주소(다른 네트워크의 기기와 옮길 때, wss://로 시작)
gui-settings-relay-help = 비워 두면 같은 네트워크(Wi-Fi)의 기기와만 연결합니다. 중계 서버는 암호화된 데이터만 봅니다.
gui-settings-relay-bad = 중계 서버 주소로 쓸 수 없습니다: “{ $url }”. wss://로 시작하는 주소를 입력해 주세요.
gui-settings-install-root = 공동인증서를 설치할 폴더
gui-settings-install-root-help = 비워 두면 이 PC의 기본 NPKI 폴더에 설치합니다: { $path }
gui-settings-code-time = QR 코드가 유효한 시간
gui-settings-wait = 인증번호 입력을 기다리는 시간
gui-settings-wait-help = 시간이 다 되기 전에 “시간 연장”을 누르면 더 기다립니다.
gui-minutes = { $minutes }분
gui-settings-saved = 설정을 저장했습니다.

gui-about-title = 정보
gui-about-version = 버전 { $version }
gui-about-protocol = 프로토콜 버전 { $version }
gui-about-safety = 공동인증서는 종단간 암호화되어 옮겨지며, 중계 서버를 거쳐도 서버는 내용을 볼 수 없습니다. 휴대폰에 표시된 인증번호를 이 PC에 입력해야만 옮겨집니다.
gui-about-license = CertBridge는 MIT 또는 Apache-2.0 라이선스로 배포됩니다.
gui-about-font-system = 한글 글꼴: { $path }
gui-about-font-bundled = 한글 글꼴: CertBridge Hangul(함께 배포되는 글꼴)
gui-about-font-license = CertBridge Hangul 글꼴은 나눔고딕(NAVER)의 일부로, SIL Open Font License 1.1로 배포됩니다.
gui-about-settings-file = 설정 파일: { $path }

gui-err-no-address = 이 PC가 네트워크에 연결되어 있지 않습니다. Wi-Fi나 유선 네트워크에 연결하거나 설정에서 중계 서버를 지정해 주세요.
gui-err-listen = 이 PC의 { $address } 주소로는 연결을 받을 수 없습니다. 네트워크 연결을 확인하거나 설정에서 중계 서버를 지정해 주세요.
gui-err-no-path = 연결할 방법이 없습니다. 네트워크에 연결하거나 설정에서 중계 서버를 지정해 주세요.
gui-err-relay-insecure = 중계 서버 { $url } 주소는 자체 암호화가 없고(ws://) 이 PC나 사설 네트워크에 있지 않습니다. 설정에서 wss:// 주소를 지정해 주세요.
gui-err-conflict = 이름이 같은 다른 공동인증서가 이미 있습니다: { $folder }. 바꾸려면 “백업하고 바꾸기”를 고른 뒤 다시 해 주세요.
gui-reject-conflict-local = 이름이 같은 다른 공동인증서가 이미 있습니다: { $folder }
gui-err-internal = CertBridge 내부에서 문제가 생겼습니다. 창을 닫았다가 다시 열어 주세요.
gui-err-file-exists = 이미 있는 파일입니다: { $path }. 다른 이름을 입력해 주세요.

## Phone app

# 휴대폰 앱(Android, iOS)의 화면. 앱은 문장을 따로 두지 않고 여기서 가져옵니다.
phone-home-title = 내 공동인증서
phone-home-empty = 아직 공동인증서가 없습니다. PC에서 “certbridge send”로 QR 코드를 띄운 뒤 스캔해 주세요.
phone-home-scan = PC의 QR 코드 스캔
phone-purpose-title = 이 앱으로 할 수 있는 일
phone-purpose-body = 휴대폰의 공동인증서는 암호화된 USB 메모리처럼 가지고 다니다가 어느 PC로든 옮길 수 있습니다. 은행 앱은 다른 앱의 저장 공간을 읽을 수 없으므로, 이 앱에 둔 공동인증서를 은행 앱이 바로 쓰지는 못합니다. 은행 앱에서 쓰려면 PC로 옮긴 뒤 그 은행의 인증서 복사 기능을 이용하거나, CertBridge SDK를 넣은 앱을 이용해 주세요.
phone-cert-usage-ca = { $usage } · { $ca }
phone-cert-announce = { $name }, { $usage }, { $ca }, { $status }
phone-cert-stale = 이 휴대폰에서 열 수 없는 사본입니다(다른 휴대폰에서 옮겨 오거나 복원됨). 지운 뒤 PC에서 다시 받아 주세요.
phone-details-title = 공동인증서 정보
phone-send-button = PC로 보내기
phone-password-button = 암호 확인
phone-password-wrong = 암호가 맞지 않습니다. 대문자와 소문자를 구분해 다시 입력해 주세요.
phone-delete-button = 이 휴대폰에서 지우기
phone-delete-question = { $name } 공동인증서를 이 휴대폰에서 지울까요? PC에 있는 사본은 그대로 남습니다.
phone-delete-confirm = 지우기
phone-scan-title = QR 코드 스캔
phone-scan-hint = PC 화면의 QR 코드를 카메라로 비춰 주세요.
phone-camera-label = QR 코드를 스캔하는 카메라 화면
phone-camera-denied = QR 코드를 스캔하려면 카메라 권한이 필요합니다. 설정에서 카메라를 허용해 주세요.
phone-camera-settings = 설정 열기
phone-mismatch-title = PC에서 휴대폰으로 보내는 코드입니다
phone-mismatch-body = 이 QR 코드로는 PC의 공동인증서를 이 휴대폰으로 받을 수 있습니다. 휴대폰의 공동인증서를 PC로 보내려면 PC에서 “certbridge receive”로 새 코드를 띄워 주세요.
phone-mismatch-receive = PC에서 받기
phone-choose-title = PC로 보낼 공동인증서를 골라 주세요
phone-choose-send = 공동인증서 { $count }개 보내기
phone-connecting-title = PC에 연결하는 중입니다
phone-consent-title = 공동인증서를 이 PC로 보낼까요?
phone-consent-to = PC 이름: “{ $peer }”
phone-path-lan = 같은 Wi-Fi에 연결된 PC입니다.
phone-path-relay = 다른 네트워크에 있는 PC입니다. 중계 서버를 거치지만 내용은 종단간 암호화됩니다.
phone-consent-warning = 지금 눈앞에 있는 본인의 PC일 때만 보내 주세요. 다른 사람이 보내 준 QR 코드라면 보내지 마세요.
phone-consent-items = 보낼 공동인증서 { $count }개:
phone-consent-send = 보내기
phone-consent-decline = 보내지 않기
phone-number-title = PC에 이 인증번호를 입력해 주세요
phone-number-spoken = 인증번호 { $digits }
phone-read-aloud = 인증번호 읽어 주기
phone-connected-to = “{ $peer }” PC에 연결되었습니다.
phone-keep-open = 전송이 끝날 때까지 이 화면을 열어 두어 주세요.
phone-moving-sending = 공동인증서 { $count }개를 보내는 중입니다…
phone-moving-receiving = 공동인증서 { $count }개를 받아 저장하는 중입니다…
phone-done-received = 공동인증서 { $count }개를 받았습니다
phone-done-sent = 공동인증서 { $count }개를 PC로 보냈습니다
phone-done-already-there = 공동인증서 { $count }개가 이미 이 휴대폰에 있습니다
phone-done-sent-already-there = 공동인증서 { $count }개가 이미 PC에 있습니다
phone-done-some-refused = 공동인증서 일부를 저장하지 못했습니다
phone-done-none = 공동인증서 { $count }개를 저장하지 못했습니다
phone-item-installed = ✔ 저장했습니다: { $name }
phone-item-replaced = ✔ 저장했습니다: { $name }. 이 휴대폰에서 열 수 없던 이전 사본을 바꿨습니다.
phone-item-duplicate = ✔ 이미 있어 그대로 두었습니다: { $name }
phone-item-rejected = ✘ 저장하지 못했습니다: { $name }. { $reason }
phone-item-rejected-words = ✘ 저장하지 못했습니다: { $name }. 메시지: “{ $words }”
phone-item-sent-rejected = ✘ “{ $peer }” PC에 설치되지 않았습니다: { $name }. { $reason }
phone-item-sent-rejected-words = ✘ “{ $peer }” PC에 설치되지 않았습니다: { $name }. PC의 메시지: “{ $words }”
phone-item-moved = ✔ “{ $peer }” PC로 옮겼습니다(이 휴대폰에서는 지웠습니다): { $name }
phone-item-not-removed = “{ $peer }” PC로 보냈지만 이 휴대폰에서 지우지 못했습니다: { $name }. 직접 지워 주세요.
phone-move-option = 보낸 뒤 이 휴대폰에서 지우기(옮기기)
phone-code-enter = 코드 직접 입력
phone-code-title = PC에 표시된 코드를 입력해 주세요
phone-code-hint = QR 코드 옆에 있는 9~12자리 숫자입니다. 예: 123-456-789
phone-code-label = 입력한 코드
phone-code-spoken = 입력한 코드: { $spoken }
phone-code-empty = 아직 입력한 숫자가 없습니다
phone-code-delete = 한 자리 지우기
phone-code-connect = 연결
phone-code-use-camera = QR 코드 스캔으로 돌아가기
phone-reject-conflict = 이 휴대폰에 일련번호가 같은 다른 공동인증서가 있습니다. 기존 공동인증서를 먼저 지운 뒤 다시 받아 주세요.
phone-reject-unsupported = 이 버전의 앱에서는 저장할 수 없는 종류의 인증서입니다. 앱을 업데이트해 주세요.
phone-title-failed = 전송하지 못했습니다
phone-title-cancelled = 전송을 취소했습니다
phone-title-declined = 보내지 않았습니다
phone-title-expired = 코드의 유효 시간이 지났습니다
phone-title-invalid-code = 코드를 읽지 못했습니다
phone-title-code-mismatch = 인증번호가 맞지 않았습니다
phone-title-no-connection = PC와 연결되지 않았습니다
phone-title-wrong-code = 코드가 맞지 않았습니다
phone-err-save-failed = 공동인증서를 저장하지 못했습니다. 휴대폰의 저장 공간이 충분한지 확인해 주세요.
phone-err-load-failed = 보낼 공동인증서를 읽지 못했습니다. 목록에서 다시 골라 주세요.
phone-err-internal = 앱 내부에서 문제가 생겼습니다. 앱을 다시 시작한 뒤 처음부터 다시 해 주세요.
phone-err-invite-damaged = CertBridge QR 코드를 읽지 못했습니다. PC 화면의 QR 코드를 다시 스캔해 주세요.
phone-err-invite-not-certbridge = CertBridge QR 코드가 아닙니다. PC에서 “certbridge send” 또는 “certbridge receive”로 띄운 QR 코드를 스캔해 주세요.
phone-err-peer-stopped = PC에서 전송을 멈췄습니다.
phone-close = 닫기
phone-cancel = 취소
phone-scan-again = 다시 스캔
phone-settings-title = 설정
phone-device-name-label = PC에 보일 이 휴대폰의 이름
phone-default-device-name = 내 휴대폰
