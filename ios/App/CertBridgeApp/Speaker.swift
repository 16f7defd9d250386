import AVFoundation
import CertBridge

/// Reads the verification number aloud. One synthesizer for the app's life,
/// owned by `AppState`: a synthesizer kept in a SwiftUI view struct is
/// rebuilt with the view and stops mid-sentence.
@MainActor
final class Speaker {
    private let synthesizer = AVSpeechSynthesizer()

    func speak(_ text: String, language: Language) {
        let utterance = AVSpeechUtterance(string: text)
        utterance.voice = AVSpeechSynthesisVoice(language: language == .korean ? "ko-KR" : "en-US")
        synthesizer.stopSpeaking(at: .immediate)
        synthesizer.speak(utterance)
    }
}
